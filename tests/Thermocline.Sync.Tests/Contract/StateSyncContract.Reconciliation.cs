using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Sync.Events;
using Thermocline.Sync.Reconciliation;
using Thermocline.Sync.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    /// <summary>Every conflict kind at once, set up behind the hub's back as another process (or an old Redis) would.</summary>
    private static async Task<StateSync> WithEveryConflictAsync(SyncHarness h)
    {
        var sync = await h.StartSyncAsync();
        var other = await h.OpenHotStoreAsync();

        // Redis says investigating while git says completed (PR-005): Redis's cache is stale and a hot state rides on it.
        await other.SetColdStateAsync("PR-005", ColdState.Broken, Ct);
        await other.ClaimAsync("PR-005", "agent-9", HotState.Investigating, ColdState.Broken, Ct);

        // A cache that differs, a cache that is missing.
        await other.SetColdStateAsync("PR-004", ColdState.Ready, Ct);
        var db = await h.RawAsync();
        await db.KeyDeleteAsync(h.Hot.Keys.For("PR-003").ColdState);

        // State of a PR git does not have.
        await other.SetColdStateAsync("PR-099", ColdState.Planned, Ct);

        // An expired heartbeat still in the hot index.
        await db.SetAddAsync(h.Hot.Keys.HotIndex, "PR-002");
        return sync;
    }

    [Fact]
    public async Task ReconcileAsync_DryRun_ReportsEveryConflictAndChangesNothing()
    {
        var h = await HarnessAsync();
        var sync = await WithEveryConflictAsync(h);
        var head = h.Head();

        var report = await sync.ReconcileAsync(dryRun: true, Ct);

        Assert.True(report.DryRun);
        Assert.Null(report.Skipped);
        Assert.Contains(report.Conflicts, c => c is { Kind: ConflictKind.HotStateContradictsGit, PrId: "PR-005", Redis: "investigating", Git: "completed" });
        Assert.Contains(report.Conflicts, c => c is { Kind: ConflictKind.ColdStateDiffers, PrId: "PR-005", Redis: "broken" });
        Assert.Contains(report.Conflicts, c => c is { Kind: ConflictKind.ColdStateDiffers, PrId: "PR-004", Redis: "ready", Git: "blocked" });
        Assert.Contains(report.Conflicts, c => c is { Kind: ConflictKind.ColdStateMissing, PrId: "PR-003", Git: "blocked" });
        Assert.Contains(report.Conflicts, c => c is { Kind: ConflictKind.Orphaned, PrId: "PR-099" });
        Assert.Contains(report.Conflicts, c => c is { Kind: ConflictKind.HeartbeatExpired, PrId: "PR-002" });
        Assert.Equal(6, report.Conflicts.Count);

        Assert.Equal(HotState.Investigating, (await h.Hot.GetAsync("PR-005", Ct)).HotState);
        Assert.Equal(ColdState.Ready, (await h.Hot.GetAsync("PR-004", Ct)).ColdState);
        Assert.Null((await h.Hot.GetAsync("PR-003", Ct)).ColdState);
        Assert.Contains("PR-099", await h.Hot.ListKnownPrIdsAsync(Ct));
        Assert.Contains("PR-002", await h.Hot.ListHotIndexAsync(Ct));
        Assert.Equal(head, h.Head());

        var again = await sync.ReconcileAsync(dryRun: true, Ct);
        Assert.Equal(report.Conflicts.OrderBy(c => c.PrId).ThenBy(c => c.Kind), again.Conflicts.OrderBy(c => c.PrId).ThenBy(c => c.Kind));
    }

    [Fact]
    public async Task ReconcileAsync_EveryConflict_GitWinsAndSecondFindsNothing()
    {
        var h = await HarnessAsync();
        var sync = await WithEveryConflictAsync(h);
        var head = h.Head();

        var report = await sync.ReconcileAsync(dryRun: false, Ct);

        Assert.Equal(6, report.Conflicts.Count);
        var pr005 = await h.Hot.GetAsync("PR-005", Ct);
        Assert.False(pr005.IsHot);
        Assert.Equal(ColdState.Completed, pr005.ColdState);
        Assert.Equal(ColdState.Blocked, (await h.Hot.GetAsync("PR-004", Ct)).ColdState);
        Assert.Equal(ColdState.Blocked, (await h.Hot.GetAsync("PR-003", Ct)).ColdState);
        Assert.DoesNotContain("PR-099", await h.Hot.ListKnownPrIdsAsync(Ct));
        Assert.DoesNotContain("PR-002", await h.Hot.ListHotIndexAsync(Ct));
        Assert.Equal(head, h.Head());

        var second = await sync.ReconcileAsync(dryRun: false, Ct);
        Assert.True(second.Clean, string.Join("; ", second.Conflicts));
        Assert.Equal(6, EventsOf(h, SyncEventKind.Conflict).Count);
        Assert.Equal(1, h.Counted("thermocline.conflicts", SyncMetrics.ConflictKindAttribute, nameof(ConflictKind.HotStateContradictsGit)));
        Assert.Equal(2, h.Counted("thermocline.conflicts", SyncMetrics.ConflictKindAttribute, nameof(ConflictKind.ColdStateDiffers)));
        Assert.Equal(1, h.Counted("thermocline.conflicts", SyncMetrics.ConflictKindAttribute, nameof(ConflictKind.ColdStateMissing)));
        Assert.Equal(1, h.Counted("thermocline.conflicts", SyncMetrics.ConflictKindAttribute, nameof(ConflictKind.Orphaned)));
        Assert.Equal(1, h.Counted("thermocline.conflicts", SyncMetrics.ConflictKindAttribute, nameof(ConflictKind.HeartbeatExpired)));
    }

    [Fact]
    public async Task ReconcileAsync_AfterNormalWork_FindsNothing()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var a = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", a, null, Ct);
        var b = (await sync.ClaimAsync("PR-007", "agent-2", HotState.Investigating, Ct)).Lease!;
        await sync.ReleaseAsync("PR-007", "agent-2", b, Ct);
        await sync.ClaimAsync("PR-002", "agent-3", HotState.Investigating, Ct);

        var report = await sync.ReconcileAsync(dryRun: true, Ct);

        // A milestone and a release are not an "expired heartbeat": nothing is in conflict.
        Assert.True(report.Clean, string.Join("; ", report.Conflicts));
    }

    [Fact]
    public async Task ReconcileAsync_AfterAHeartbeatOfALeaseThatEnded_FindsNothing()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        await sync.ReleaseAsync("PR-001", "agent-1", lease, Ct);

        // Its holder beats on, unaware (its work was cleared, or it lapsed): refused, and no trace left in the hot index.
        var refused = await Assert.ThrowsAsync<ThermoclineException>(() => sync.HeartbeatAsync("PR-001", "agent-1", lease, Ct));

        Assert.Equal(ErrorKind.LeaseConflict, refused.Kind);
        Assert.DoesNotContain("PR-001", await h.Hot.ListHotIndexAsync(Ct));
        var report = await sync.ReconcileAsync(dryRun: true, Ct);
        Assert.True(report.Clean, string.Join("; ", report.Conflicts));
    }

    [Fact]
    public async Task SweepExpiredAsync_HeartbeatExpired_PrBackAtColdState()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var shortLived = await h.OpenHotStoreAsync(TimeSpan.FromMilliseconds(200));
        await shortLived.ClaimAsync("PR-001", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        await Eventually.ReturnsAsync(() => h.Hot.GetAsync("PR-001", Ct), s => !s.IsHot, "PR-001's hot state expired");

        var swept = await sync.SweepExpiredAsync(Ct);

        Assert.Equal(["PR-001"], swept);
        Assert.Empty(await h.Hot.ListHotIndexAsync(Ct));
        Assert.Equal(WorkState.Of(ColdState.Ready), (await sync.GetAsync("PR-001", Ct)).EffectiveState);
        Assert.Single(EventsOf(h, SyncEventKind.Swept));
    }
}
