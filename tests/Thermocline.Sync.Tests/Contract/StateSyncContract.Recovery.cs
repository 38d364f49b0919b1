using Thermocline.Domain.States;
using Thermocline.Sync.Reconciliation;
using Thermocline.Sync.Tests.Support;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    private static readonly string[] DefaultIds = SyncTaskList.Default.Select(p => p.Id).ToArray();

    [Fact]
    public async Task StartAsync_CleanStopBefore_NoCrashRecovery()
    {
        var h = await HarnessAsync();
        var first = await h.StartSyncAsync();
        await first.StopAsync(Ct);

        var report = await h.NewSync().StartAsync(Ct);

        Assert.False(report.RecoveredFromCrash);
        Assert.Equal(DefaultIds.Length, report.Prs);
        Assert.Null(report.TaskListProblem);
    }

    [Fact]
    public async Task StartAsync_AfterCrash_RecoversCachesClearsOrphansKeepsLiveWork()
    {
        var h = await HarnessAsync();
        var first = await h.StartSyncAsync();
        var live = (await first.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var done = (await first.ClaimAsync("PR-007", "agent-2", HotState.InProgress, Ct)).Lease!;
        await first.TransitionAsync("PR-007", ColdState.Completed, "agent-2", done, null, Ct);

        // State that must not survive: a PR git does not have, a stale cache, a hot state git contradicts.
        var other = await h.OpenHotStoreAsync();
        await other.SetColdStateAsync("PR-099", ColdState.Ready, Ct);
        await other.ClaimAsync("PR-099", "ghost", HotState.InProgress, ColdState.Ready, Ct);
        await other.SetColdStateAsync("PR-006", ColdState.Ready, Ct);
        await other.ClaimAsync("PR-006", "ghost", HotState.Investigating, ColdState.Ready, Ct);
        await other.SetColdStateAsync("PR-004", ColdState.Planned, Ct);

        // Crash: no StopAsync, so sync:crash_recovery_needed stays set.
        first.Dispose();
        var second = h.NewSync();
        var report = await second.StartAsync(Ct);

        Assert.True(report.RecoveredFromCrash);
        Assert.Equal(2, report.ConflictsResolved); // PR-006 contradicts git, PR-099 is orphaned; hydration already fixed the caches
        var pr006 = await h.Hot.GetAsync("PR-006", Ct);
        Assert.False(pr006.IsHot);
        Assert.Equal(ColdState.Approved, pr006.ColdState);
        Assert.Equal(ColdState.Blocked, (await h.Hot.GetAsync("PR-004", Ct)).ColdState);
        Assert.Equal(ColdState.Completed, (await h.Hot.GetAsync("PR-007", Ct)).ColdState);
        Assert.DoesNotContain("PR-099", await h.Hot.ListKnownPrIdsAsync(Ct));
        Assert.False((await h.Hot.GetAsync("PR-099", Ct)).IsHot);

        // The live agent's work survives the hub's crash, and its lease still works.
        var pr001 = await h.Hot.GetAsync("PR-001", Ct);
        Assert.Equal(HotState.InProgress, pr001.HotState);
        await second.HeartbeatAsync("PR-001", "agent-1", live, Ct);

        var dry = await second.ReconcileAsync(dryRun: true, Ct);
        Assert.True(dry.Clean, string.Join("; ", dry.Conflicts));
    }

    [Fact]
    public async Task StartAsync_RedisWiped_RehydratesAndFencesContinueAboveGit()
    {
        var h = await HarnessAsync();
        var first = await h.StartSyncAsync();
        long highest = 0;
        for (var round = 0; round < 3; round++)
        {
            var lease = (await first.ClaimAsync("PR-007", "agent-1", HotState.Investigating, Ct)).Lease!;
            await first.ReleaseAsync("PR-007", "agent-1", lease, Ct);
        }

        var last = (await first.ClaimAsync("PR-007", "agent-1", HotState.InProgress, Ct)).Lease!;
        await first.TransitionAsync("PR-007", ColdState.Completed, "agent-1", last, null, Ct);
        highest = last.Fence;
        Assert.Equal(highest, await h.Cold.GetHighestLeaseAsync("PR-007", Ct));
        await first.StopAsync(Ct);

        await h.WipeRedisAsync(DefaultIds);
        var second = h.NewSync();
        var report = await second.StartAsync(Ct);

        Assert.True(report.RecoveredFromCrash);
        foreach (var pr in SyncTaskList.Default)
        {
            var expected = pr.Id == "PR-007" ? ColdState.Completed : StateNames.TryParseCold(pr.State, out var s) ? s : throw new InvalidOperationException();
            Assert.Equal(expected, (await h.Hot.GetAsync(pr.Id, Ct)).ColdState);
        }

        Assert.Equal(["PR-005"], await h.Hot.GetDependenciesAsync("PR-007", Ct));
        var review = await second.ClaimAsync("PR-007", "agent-3", HotState.UnderReview, Ct);
        Assert.True(review.Lease!.Fence > highest, $"fence {review.Lease.Fence} after git's {highest}");
    }

    [Fact]
    public async Task ReconcileAsync_RedisWipedWhileRunning_FencesContinueAboveGit()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);
        var again = (await sync.ClaimAsync("PR-001", "agent-1", HotState.UnderReview, Ct)).Lease!;
        await sync.ReleaseAsync("PR-001", "agent-1", again, Ct);

        // Redis restarted empty under a running hub; the periodic reconciliation notices.
        await h.WipeRedisAsync(DefaultIds);
        var report = await sync.ReconcileAsync(dryRun: false, Ct);
        Assert.Contains(report.Conflicts, c => c.Kind == ConflictKind.ColdStateMissing && c.PrId == "PR-001");

        var review = await sync.ClaimAsync("PR-001", "agent-2", HotState.UnderReview, Ct);
        Assert.True(review.Lease!.Fence > lease.Fence, $"fence {review.Lease.Fence} after git's {lease.Fence}");
    }

    [Fact]
    public async Task ClaimAsync_RedisWipedBeforeReconciliation_FenceAboveGit()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        Assert.Null(await h.Cold.GetHighestLeaseAsync("PR-001", Ct));
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);

        await h.WipeRedisAsync(DefaultIds);
        var review = await sync.ClaimAsync("PR-001", "agent-2", HotState.UnderReview, Ct);

        Assert.True(review.Lease!.Fence > lease.Fence, $"fence {review.Lease.Fence} after git's {lease.Fence}");
    }

    [Fact]
    public async Task StartAsync_CrashBetweenGitCommitAndRedisUpdate_GitWinsAndDependantsUnlocked()
    {
        var h = await HarnessAsync();
        var first = await h.StartSyncAsync();
        var lease = (await first.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;

        // The milestone reached git, then the hub died before Redis heard of it (and before the dependency commit).
        var milestone = await h.Cold.CommitTransitionAsync(
            new Domain.Commits.ColdTransition("PR-001", HotState.InProgress, ColdState.Completed, "agent-1") { Lease = lease.Fence, ClaimedFrom = ColdState.Ready }, Ct);
        first.Dispose();

        var second = h.NewSync();
        var report = await second.StartAsync(Ct);

        Assert.True(report.RecoveredFromCrash);
        var pr001 = await h.Hot.GetAsync("PR-001", Ct);
        Assert.False(pr001.IsHot);
        Assert.Equal(ColdState.Completed, pr001.ColdState);
        Assert.Equal(2, report.DependencyChanges);
        Assert.Equal(milestone.Sha, h.Repo.Git("rev-parse", "HEAD~1").Trim());
        Assert.StartsWith("[Dependencies] Update 2 PRs after start-up", h.Message(), StringComparison.Ordinal);
        Assert.Equal(ColdState.Ready, (await h.Hot.GetAsync("PR-002", Ct)).ColdState);
        Assert.True((await second.ReconcileAsync(dryRun: true, Ct)).Clean);

        // The fence of the acknowledged milestone stays below every later lease.
        var review = await second.ClaimAsync("PR-001", "qc-1", HotState.UnderReview, Ct);
        Assert.True(review.Lease!.Fence > lease.Fence);
    }
}
