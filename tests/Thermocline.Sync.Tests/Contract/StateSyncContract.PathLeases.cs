using System.Text;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    // PR-A and PR-B both touch src/parser/; PR-C touches docs only; PR-D lists no files. All ready, priority in that order.
    private static readonly string PathsList = PathList(
        ("PR-A", "high", ["src/parser/Lexer.cs", "src/parser/Token.cs"]),
        ("PR-B", "medium", ["src/parser/Lexer.cs"]),
        ("PR-C", "medium", ["docs/parser.md"]),
        ("PR-D", "low", []));

    [Fact]
    public async Task ClaimAsync_ReservingItsFiles_AnotherPrOverThemIsNotOfferedAndItsClaimIsRefused()
    {
        var h = await HarnessAsync(PathsList);
        var sync = await h.StartSyncAsync();

        var a = await sync.ClaimAsync("PR-A", "agent-a", HotState.InProgress, null, new ClaimReservation(EstimatedFiles: true), Ct);
        var ready = await sync.ReadyAsync(Ct);
        var statusB = await sync.GetAsync("PR-B", Ct);
        var refused = await RefusedAsync(ErrorKind.LeaseConflict, () => sync.ClaimAsync("PR-B", "agent-b", HotState.InProgress, Ct));
        var next = await sync.ClaimNextAsync("agent-b", new ClaimNextFilter(), TimeSpan.Zero, Ct);

        Assert.Equal(["src/parser/Lexer.cs", "src/parser/Token.cs"], a.ReservedPaths!.Texts);
        Assert.Equal(["PR-C", "PR-D"], ready.Select(p => p.Id));
        Assert.Equal(("PR-A", "agent-a"), (statusB.WaitsForPaths!.Holder.PrId, statusB.WaitsForPaths.Holder.Agent));
        Assert.Equal(["src/parser/Lexer.cs"], statusB.WaitsForPaths.Overlap);
        Assert.Empty(statusB.ClaimableAs);
        Assert.Contains("PR-A (agent-a, fence", refused.Message, StringComparison.Ordinal);
        Assert.Contains("src/parser/Lexer.cs", refused.Message, StringComparison.Ordinal);
        Assert.Equal("PR-C", next!.PrId);
        Assert.False((await h.Hot.GetAsync("PR-B", Ct)).IsHot);

        // The reservation ends with the lease: PR-B is offered again.
        await sync.ReleaseAsync("PR-A", "agent-a", a.Lease!, Ct);
        Assert.Contains("PR-B", (await sync.ReadyAsync(Ct)).Select(p => p.Id));
        Assert.Null((await sync.GetAsync("PR-B", Ct)).WaitsForPaths);
        Assert.Equal("PR-B", (await sync.ClaimNextAsync("agent-b", new ClaimNextFilter(Prs: ["PR-B"]), TimeSpan.Zero, Ct))!.PrId);
    }

    [Fact]
    public async Task ClaimAsync_WithoutReserving_IsNotInTheWayOfOthers()
    {
        var h = await HarnessAsync(PathsList);
        var sync = await h.StartSyncAsync();

        await sync.ClaimAsync("PR-A", "agent-a", HotState.InProgress, Ct);

        Assert.Null((await sync.GetAsync("PR-A", Ct)).ReservedPaths);
        Assert.Contains("PR-B", (await sync.ReadyAsync(Ct)).Select(p => p.Id));
        Assert.Empty(await sync.ListReservationsAsync(Ct));
    }

    [Fact]
    public async Task ClaimAsync_ReservingPathsAnotherLeaseReserved_RefusedAndNothingHeld()
    {
        var h = await HarnessAsync(PathsList);
        var sync = await h.StartSyncAsync();
        await sync.ClaimAsync("PR-C", "agent-c", HotState.InProgress, null, new ClaimReservation(false, ["src/**"]), Ct);

        // PR-D lists no files, so it is offered; but it cannot reserve what PR-C holds.
        var refused = await RefusedAsync(ErrorKind.LeaseConflict,
            () => sync.ClaimAsync("PR-D", "agent-d", HotState.InProgress, null, new ClaimReservation(false, ["src/parser/New.cs"]), Ct));
        var noFiles = await RefusedAsync(ErrorKind.Usage,
            () => sync.ClaimAsync("PR-D", "agent-d", HotState.InProgress, null, new ClaimReservation(EstimatedFiles: true), Ct));
        var hostile = await RefusedAsync(ErrorKind.Usage,
            () => sync.ClaimAsync("PR-D", "agent-d", HotState.InProgress, null, new ClaimReservation(false, ["../../etc/passwd"]), Ct));

        Assert.Contains("PR-C (agent-c", refused.Message, StringComparison.Ordinal);
        Assert.Contains("lists no estimated_files", noFiles.Message, StringComparison.Ordinal);
        Assert.Contains("'..'", hostile.Message, StringComparison.Ordinal);
        Assert.False((await h.Hot.GetAsync("PR-D", Ct)).IsHot);
        Assert.Equal(["PR-C"], (await sync.ListReservationsAsync(Ct)).Select(r => r.PrId));
    }

    [Fact]
    public async Task ClaimAsync_ManyReservingTheSamePathAtOnce_OnlyOneGetsIt()
    {
        var ids = Enumerable.Range(1, 12).Select(i => $"PR-{i:000}").ToArray();
        var h = await HarnessAsync(PathList(ids.Select(id => (id, "medium", Array.Empty<string>())).ToArray()));
        var sync = await h.StartSyncAsync();

        var attempts = ids.Select(id => Task.Run(async () =>
        {
            try
            {
                await sync.ClaimAsync(id, $"agent-{id}", HotState.InProgress, null, new ClaimReservation(false, ["src/shared/Config.cs"]), Ct);
                return true;
            }
            catch (ThermoclineException ex) when (ex.Kind == ErrorKind.LeaseConflict)
            {
                return false;
            }
        })).ToList();
        var won = await Task.WhenAll(attempts);

        Assert.Equal(1, won.Count(w => w));
        Assert.Single(await sync.ListReservationsAsync(Ct));
    }

    [Fact]
    public async Task ClaimNextAsync_Reserving_ReservesTheChosenPrsFilesAndSkipsWhatOverlaps()
    {
        var h = await HarnessAsync(PathsList);
        var sync = await h.StartSyncAsync();

        var first = await sync.ClaimNextAsync("agent-1", new ClaimNextFilter(), TimeSpan.Zero, null, reserve: true, Ct);
        var second = await sync.ClaimNextAsync("agent-2", new ClaimNextFilter(), TimeSpan.Zero, null, reserve: true, Ct);
        var third = await sync.ClaimNextAsync("agent-3", new ClaimNextFilter(), TimeSpan.Zero, null, reserve: true, Ct);
        var fourth = await sync.ClaimNextAsync("agent-4", new ClaimNextFilter(), TimeSpan.Zero, null, reserve: true, Ct);

        Assert.Equal(("PR-A", "PR-C", "PR-D"), (first!.PrId, second!.PrId, third!.PrId));
        Assert.Null(third.ReservedPaths); // it lists no files: claimed without reserving
        Assert.Null(fourth); // PR-B waits for PR-A's paths
        Assert.Equal(["PR-A", "PR-C"], (await sync.ListReservationsAsync(Ct)).Select(r => r.PrId));
    }

    private static string PathList(params (string Id, string Priority, string[] Files)[] prs)
    {
        var sb = new StringBuilder("# Task List\n\n");
        foreach (var (id, priority, files) in prs)
        {
            sb.Append($"### {id}: Work item {id}\n\n---\npr_id: {id}\ntitle: Work item {id}\ncold_state: ready\npriority: {priority}\ndependencies: []\n");
            if (files.Length > 0)
            {
                sb.Append("estimated_files:\n");
                foreach (var file in files)
                {
                    sb.Append($"  - path: {file}\n    action: modify\n    description: part of {id}\n");
                }
            }

            sb.Append("---\n\nSome work.\n\n");
        }

        return sb.ToString();
    }
}
