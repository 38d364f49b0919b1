using System.Diagnostics;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Sync.Status;
using Thermocline.Sync.Tests.Support;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    private static readonly ClaimNextFilter Any = new();

    // The default list with PR-002..PR-003 made ready and ranked: PR-003 critical, PR-002 high, PR-001 medium.
    private static string Ranked()
    {
        var text = SyncTaskList.Build(
            new("PR-001", "ready"), new("PR-002", "ready"), new("PR-003", "ready"), new("PR-004", "blocked", "PR-001"), new("PR-005", "completed"));
        return Rank(Rank(text, "PR-003", "critical"), "PR-002", "high");
    }

    private static string Rank(string text, string prId, string priority) =>
        text.Replace($"pr_id: {prId}\ntitle: Work item {prId}\ncold_state: ready\npriority: medium", $"pr_id: {prId}\ntitle: Work item {prId}\ncold_state: ready\npriority: {priority}", StringComparison.Ordinal);

    [Fact]
    public async Task ClaimNextAsync_SeveralClaimable_HighestPriorityFirstThenNothing()
    {
        var h = await HarnessAsync(Ranked());
        var sync = await h.StartSyncAsync();

        var first = await sync.ClaimNextAsync("agent-1", Any, TimeSpan.Zero, Ct);
        var second = await sync.ClaimNextAsync("agent-2", Any, TimeSpan.Zero, Ct);
        var third = await sync.ClaimNextAsync("agent-3", Any, TimeSpan.Zero, Ct);
        var fourth = await sync.ClaimNextAsync("agent-4", Any, TimeSpan.Zero, Ct);
        var fifth = await sync.ClaimNextAsync("agent-5", Any, TimeSpan.Zero, Ct);

        Assert.Equal(["PR-003", "PR-002", "PR-001", "PR-005"], new[] { first, second, third, fourth }.Select(r => r!.PrId));
        Assert.Equal(HotState.InProgress, first!.To.Hot);
        Assert.Equal(HotState.UnderReview, fourth!.To.Hot);
        Assert.Null(fifth); // PR-004 waits on PR-001
        Assert.Equal("agent-2", (await h.Hot.GetAsync("PR-002", Ct)).Agent);
    }

    [Fact]
    public async Task ClaimNextAsync_Filters_OnlyMatchingPrsAreTaken()
    {
        var h = await HarnessAsync(Ranked());
        var sync = await h.StartSyncAsync();

        var review = await sync.ClaimNextAsync("agent-1", new ClaimNextFilter(State: HotState.UnderReview), TimeSpan.Zero, Ct);
        var listed = await sync.ClaimNextAsync("agent-2", new ClaimNextFilter(Prs: ["PR-001", "PR-004"]), TimeSpan.Zero, Ct);
        var high = await sync.ClaimNextAsync("agent-3", new ClaimNextFilter(AtLeast: Priority.High), TimeSpan.Zero, Ct);
        var critical = await sync.ClaimNextAsync("agent-4", new ClaimNextFilter(AtLeast: Priority.Critical), TimeSpan.Zero, Ct);

        Assert.Equal(("PR-005", HotState.UnderReview), (review!.PrId, review.To.Hot));
        Assert.Equal("PR-001", listed!.PrId);
        Assert.Equal("PR-003", high!.PrId);
        Assert.Null(critical);
        await RefusedAsync(ErrorKind.Usage, () => sync.ClaimNextAsync("agent-5", new ClaimNextFilter(Prs: ["PR-1; rm"]), TimeSpan.Zero, Ct));
        await RefusedAsync(ErrorKind.Usage, () => sync.ClaimNextAsync("bad agent", Any, TimeSpan.Zero, Ct));
    }

    [Fact]
    public async Task ClaimNextAsync_SixteenCallersAtOnce_EachClaimableGoesToExactlyOne()
    {
        var prs = Enumerable.Range(1, 10).Select(i => new TestPr($"PR-{i:D3}", "ready")).ToArray();
        var h = await HarnessAsync(SyncTaskList.Build(prs));
        var sync = await h.StartSyncAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(a => Task.Run(() => sync.ClaimNextAsync($"agent-{a}", Any, TimeSpan.Zero, Ct))));

        var claimed = results.OfType<TransitionResult>().ToList();
        Assert.Equal(10, claimed.Count);
        Assert.Equal(10, claimed.Select(r => r.PrId).Distinct().Count());
        Assert.Equal(6, results.Count(r => r is null));
        foreach (var r in claimed)
        {
            var hot = await h.Hot.GetAsync(r.PrId, Ct);
            Assert.Equal(r.Lease!.Fence, hot.Fence);
        }
    }

    [Fact]
    public async Task ClaimNextAsync_Waiting_WokenByTheMilestoneThatUnblocksAPr()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var waiting = sync.ClaimNextAsync("agent-2", new ClaimNextFilter(Prs: ["PR-002"]), TimeSpan.FromMinutes(1), Ct);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);
        var unblocked = Stopwatch.StartNew();
        var claimed = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("PR-002", claimed!.PrId);
        Assert.True(unblocked.Elapsed < TimeSpan.FromSeconds(1), $"woken {unblocked.Elapsed.TotalMilliseconds:F0} ms after the milestone");
    }

    [Fact]
    public async Task ClaimNextAsync_NothingBecomesClaimable_ReturnsNullWhenTheTimeIsUp()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var waiting = sync.ClaimNextAsync("agent-2", new ClaimNextFilter(Prs: ["PR-002"]), TimeSpan.FromSeconds(30), Ct);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        h.FakeTime.Advance(TimeSpan.FromSeconds(31));

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
