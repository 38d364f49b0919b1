using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Sync.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    [Fact]
    public async Task TransitionAsync_ConcurrentColdToColdOnOnePr_ExactlyOneCommits()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => sync.TransitionAsync("PR-005", ColdState.Approved, $"qc-{i}", null, null, Ct))));

        Assert.Single(results, r => !r.NoOp);
        Assert.Equal(7, results.Count(r => r.NoOp));
        Assert.Equal(2, h.CommitCount());
        Assert.Equal(ColdState.Approved, TaskList.Parse(h.HeadTaskList()).Find("PR-005")!.ColdState);
    }

    [Fact]
    public async Task TransitionAsync_ConcurrentMilestonesWithOneLease_OneCommitsRetriesAnsweredFromGit()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-007", "agent-1", HotState.InProgress, Ct)).Lease!;

        var results = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => sync.TransitionAsync("PR-007", ColdState.Completed, "agent-1", lease, null, Ct))));

        // One commits; the same holder's repeats (a lost answer, a retry after a crash) get that commit back, no new one.
        var committed = Assert.Single(results, r => !r.NoOp);
        Assert.All(results.Where(r => r.NoOp), r => Assert.Equal(committed.Commit, r.Commit));
        Assert.Equal(2, h.CommitCount());
    }

    [Fact]
    public async Task TransitionAsync_MilestoneRetriedWithAnotherAgentsName_IsALeaseConflict()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-007", "agent-1", HotState.InProgress, Ct)).Lease!;
        await sync.TransitionAsync("PR-007", ColdState.Completed, "agent-1", lease, null, Ct);

        var e = await Assert.ThrowsAsync<ThermoclineException>(() => sync.TransitionAsync("PR-007", ColdState.Completed, "agent-2", lease, null, Ct));

        Assert.Equal(ErrorKind.LeaseConflict, e.Kind);
        Assert.Equal(2, h.CommitCount());
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentClaimers_ExactlyOneLease()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();

        var attempts = Enumerable.Range(0, 16)
            .Select(i => Task.Run(() => sync.ClaimAsync("PR-001", $"agent-{i}", HotState.InProgress, Ct)))
            .ToList();
        var leases = new List<Lease>();
        var refused = 0;
        foreach (var attempt in attempts)
        {
            try
            {
                leases.Add((await attempt).Lease!);
            }
            catch (ThermoclineException e) when (e.Kind == ErrorKind.LeaseConflict)
            {
                refused++;
            }
        }

        Assert.Single(leases);
        Assert.Equal(15, refused);
        Assert.Equal(leases[0].Fence, (await h.Hot.GetAsync("PR-001", Ct)).Fence);
    }

    [Fact]
    public async Task TransitionAsync_IndexLockHeldPastTimeout_FailsAndRedisUntouched()
    {
        var h = await HarnessAsync(options: new HarnessOptions { RealTime = true, LockTimeout = TimeSpan.FromMilliseconds(300) });
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var head = h.Head();
        var lockFile = Path.Combine(h.Repo.GitDir, "index.lock");
        await File.WriteAllTextAsync(lockFile, "");

        var e = await RefusedAsync(ErrorKind.Unavailable, () => sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct));

        Assert.Contains("index.lock", e.Message, StringComparison.Ordinal);
        Assert.Equal(head, h.Head());
        var snapshot = await h.Hot.GetAsync("PR-001", Ct);
        Assert.Equal(HotState.InProgress, snapshot.HotState);
        Assert.Equal(ColdState.Ready, snapshot.ColdState);
        Assert.Equal(lease.Fence, snapshot.Fence);

        // Once the lock is gone, the same lease completes the work.
        File.Delete(lockFile);
        var done = await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);
        Assert.NotNull(done.Commit);
    }

    [Fact]
    public async Task TransitionAsync_PersonMovedColdStateUnderneathHotWork_RefusedAndNothingWritten()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;

        // A person marks the PR blocked in git while the agent works on it.
        var theirs = h.PersonCommits(SyncTaskList.WithState(h.HeadTaskList(), "PR-001", "blocked"), "PR-001 is blocked after all");

        await RefusedAsync(ErrorKind.LeaseConflict, () => sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct));

        Assert.Equal(theirs, h.Head());
        Assert.Equal(ColdState.Blocked, TaskList.Parse(h.HeadTaskList()).Find("PR-001")!.ColdState);
        Assert.Equal(HotState.InProgress, (await h.Hot.GetAsync("PR-001", Ct)).HotState);
    }

    [Fact]
    public async Task ClaimAsync_PersonChangedColdStateInGit_ClaimFollowsGit()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();

        // A person unblocks PR-002 by hand; Redis still caches "blocked" until the next reconciliation.
        h.PersonCommits(SyncTaskList.WithState(h.HeadTaskList(), "PR-004", "ready").Replace("dependencies: [PR-001, PR-002]", "dependencies: []", StringComparison.Ordinal));

        var claim = await sync.ClaimAsync("PR-004", "agent-1", HotState.InProgress, Ct);

        Assert.Equal(WorkState.Of(ColdState.Ready), claim.From);
        Assert.Equal(HotState.InProgress, (await h.Hot.GetAsync("PR-004", Ct)).HotState);
    }

    [Fact]
    public async Task HeartbeatAsync_LeaseExpiredDuringLongTask_RefusedThenAgentReclaims()
    {
        var h = await HarnessAsync(options: new HarnessOptions { HeartbeatTtl = TimeSpan.FromMilliseconds(300) });
        var sync = await h.StartSyncAsync();
        var head = h.Head();
        var old = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        await Eventually.ReturnsAsync(() => h.Hot.GetAsync("PR-001", Ct), s => !s.IsHot, "PR-001's lease expired");

        var beat = await RefusedAsync(ErrorKind.LeaseConflict, () => sync.HeartbeatAsync("PR-001", "agent-1", old, Ct));
        await RefusedAsync(ErrorKind.LeaseConflict, () => sync.TransitionAsync("PR-001", HotState.UnderReview, "agent-1", old, null, Ct));
        await RefusedAsync(ErrorKind.LeaseConflict, () => sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", old, null, Ct));
        Assert.Equal(4, ExitCodes.For(ErrorKind.LeaseConflict));
        Assert.Contains("PR-001", beat.Message, StringComparison.Ordinal);
        Assert.Equal(head, h.Head());

        var again = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        Assert.True(again.Fence > old.Fence);
        var done = await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", again, null, Ct);
        Assert.Contains($"- Lease: {again.Fence}\n", h.Message(done.Commit!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeartbeatAsync_StaleLeaseAfterSomeoneElseClaimed_Refused()
    {
        var h = await HarnessAsync(options: new HarnessOptions { HeartbeatTtl = TimeSpan.FromMilliseconds(300) });
        var sync = await h.StartSyncAsync();
        var old = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        await Eventually.ReturnsAsync(() => h.Hot.GetAsync("PR-001", Ct), s => !s.IsHot, "PR-001's lease expired");
        var longLived = await h.OpenHotStoreAsync(TimeSpan.FromMinutes(5));
        var theirs = await longLived.ClaimAsync("PR-001", "agent-2", HotState.Investigating, ColdState.Ready, Ct);

        await RefusedAsync(ErrorKind.LeaseConflict, () => sync.HeartbeatAsync("PR-001", "agent-1", old, Ct));
        await RefusedAsync(ErrorKind.LeaseConflict, () => sync.ReleaseAsync("PR-001", "agent-1", old, Ct));

        var snapshot = await h.Hot.GetAsync("PR-001", Ct);
        Assert.Equal("agent-2", snapshot.Agent);
        Assert.Equal(theirs.Fence, snapshot.Fence);
    }
}
