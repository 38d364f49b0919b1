using Thermocline.ColdStore;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;

namespace Thermocline.Sync.Tests.Contract;

/// <summary>
/// Fences only grow, whatever happens to Redis: every fence ever handed out — claims that never reached git included —
/// stays below the next one, across wipes while running, restarts of an empty store and crashes.
/// </summary>
public abstract partial class StateSyncContract
{
    private static readonly string[] AllIds = SyncTaskList.Default.Select(p => p.Id).ToArray();

    // Claims and releases PR-001 a few times: fences handed out that no milestone commit records.
    private static async Task<long> ClaimAndReleaseAsync(StateSync sync, int times)
    {
        long highest = 0;
        for (var i = 0; i < times; i++)
        {
            var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.Investigating, Ct)).Lease!;
            await sync.ReleaseAsync("PR-001", "agent-1", lease, Ct);
            highest = Math.Max(highest, lease.Fence);
        }

        return highest;
    }

    [Fact]
    public async Task ClaimAsync_RedisWipedWhileRunning_FenceAboveEveryEarlierClaimNotOnlyMilestones()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var highest = await ClaimAndReleaseAsync(sync, 3);

        await h.WipeRedisAsync(AllIds);
        var next = (await sync.ClaimAsync("PR-001", "agent-2", HotState.Investigating, Ct)).Lease!;

        Assert.True(next.Fence > highest, $"fence {next.Fence} handed out again after {highest}");
    }

    [Fact]
    public async Task StartAsync_StoreRestartedEmptyAfterACleanStop_FenceAboveEveryEarlierClaim()
    {
        // The default embedded store keeps nothing across a restart: a clean stop, then an empty Redis.
        var h = await HarnessAsync();
        var first = await h.StartSyncAsync();
        var highest = await ClaimAndReleaseAsync(first, 2);
        await first.StopAsync(Ct);
        first.Dispose();

        await h.WipeRedisAsync(AllIds);
        var second = await h.StartSyncAsync();
        var next = (await second.ClaimAsync("PR-001", "agent-2", HotState.Investigating, Ct)).Lease!;

        Assert.True(next.Fence > highest, $"fence {next.Fence} handed out again after {highest}");
        Assert.True(await h.Cold.ReadFenceCeilingAsync(Ct) >= next.Fence);
    }

    [Fact]
    public async Task StartAsync_RedisWipedThenHubKilled_TakenAsACrashAndRecovered()
    {
        var h = await HarnessAsync();
        var first = await h.StartSyncAsync();
        var lease = (await first.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;

        await h.WipeRedisAsync(AllIds); // the crash flag goes with it
        first.Dispose(); // killed: no StopAsync
        var second = h.NewSync();
        var report = await second.StartAsync(Ct);

        Assert.True(report.RecoveredFromCrash);
        var next = (await second.ClaimAsync("PR-001", "agent-2", HotState.InProgress, Ct)).Lease!;
        Assert.True(next.Fence > lease.Fence, $"fence {next.Fence} handed out again after {lease.Fence}");
    }

    [Fact]
    public async Task SweepExpiredAsync_RedisWipedWhileRunning_NoticedAndRebuiltFromGit()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();

        await h.WipeRedisAsync(AllIds);
        await sync.SweepExpiredAsync(Ct);

        Assert.Contains(h.Events, e => e.Kind == SyncEventKind.Recovered);
        Assert.True(await h.Hot.IsMarkedRunningAsync(Ct));
        Assert.Equal(ColdState.Ready, (await h.Hot.GetAsync("PR-001", Ct)).ColdState);
        Assert.True((await sync.ReconcileAsync(dryRun: true, Ct)).Clean);
    }

    [Fact]
    public async Task TransitionAsync_RetriedMilestoneThatAPersonUndidSince_NotAnsweredAsDone()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);

        // A person puts PR-001 back to ready by hand (git wins); the agent's answer was lost and it retries.
        h.PersonCommits(SyncTaskList.WithState(h.HeadTaskList(), "PR-001", "ready"));
        await sync.ReconcileAsync(dryRun: false, Ct);

        await RefusedAsync(ErrorKind.LeaseConflict, () => sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct));
        Assert.Contains("cold_state: ready", h.HeadTaskList(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_PersonResetPastAMilestoneWhileNoHubRan_MilestoneCommittedAgain()
    {
        var h = await HarnessAsync();
        var first = await h.StartSyncAsync();
        var before = h.Head();
        var lease = (await first.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var done = await first.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);
        await first.StopAsync(Ct);
        first.Dispose();

        h.Repo.Git("reset", "-q", "--hard", before);
        await h.StartSyncAsync();

        Assert.Contains("pr_id: PR-001\ntitle: Work item PR-001\ncold_state: completed", h.HeadTaskList(), StringComparison.Ordinal);
        Assert.Contains($"Restored: {done.Commit}", h.Repo.Git("log", "--format=%B", "main"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransitionAsync_RetriedMilestoneThatLanded_AnsweredAsDoneFromGit()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var done = await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);

        var retry = await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);

        Assert.True(retry.NoOp);
        Assert.Equal(done.Commit, retry.Commit);
    }

    [Fact]
    public async Task ClaimAsync_FenceCeilingCannotBeRecorded_ClaimRefusedAndNoLeaseLeftBehind()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var refs = Path.Combine(h.Repo.GitDir, "refs", "thermocline");
        Directory.CreateDirectory(refs);
        await File.WriteAllTextAsync(Path.Combine(refs, "fence-ceiling.lock"), ""); // someone holds the ref's lock

        await RefusedAsync(ErrorKind.Unavailable, () => sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct));

        Assert.False((await h.Hot.GetAsync("PR-001", Ct)).IsHot);
        File.Delete(Path.Combine(refs, "fence-ceiling.lock"));
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        Assert.True(await h.Cold.ReadFenceCeilingAsync(Ct) >= lease.Fence);
        Assert.Equal(GitColdStore.FenceCeilingRef, h.Repo.Git("for-each-ref", "--format=%(refname)", "refs/thermocline/").Trim());
    }
}
