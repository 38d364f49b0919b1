using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    [Fact]
    public async Task TransitionAsync_DependencyCompleted_UnlocksDependantsInOneFollowingCommit()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        Assert.Equal(1, h.CommitCount());
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;

        var result = await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);

        Assert.NotNull(result.Commit);
        Assert.NotNull(result.DependencyCommit);
        Assert.Equal(result.DependencyCommit, h.Head());
        Assert.Equal(result.Commit, h.Repo.Git("rev-parse", "HEAD~1").Trim());
        Assert.Equal(3, h.CommitCount());
        Assert.Equal(["PR-002: blocked → ready", "PR-003: blocked → ready"], result.DependencyChanges);

        var message = h.Message();
        Assert.StartsWith("[Dependencies] Update 2 PRs after PR-001 → completed", message, StringComparison.Ordinal);
        Assert.Contains("- PR-002: blocked → ready\n", message, StringComparison.Ordinal);
        Assert.Contains("- PR-003: blocked → ready\n", message, StringComparison.Ordinal);
        Assert.DoesNotContain("PR-004", message, StringComparison.Ordinal);

        var list = TaskList.Parse(h.HeadTaskList());
        Assert.Equal(ColdState.Ready, list.Find("PR-002")!.ColdState);
        Assert.Equal(ColdState.Ready, list.Find("PR-003")!.ColdState);
        Assert.Equal(ColdState.Blocked, list.Find("PR-004")!.ColdState);
        Assert.Equal(ColdState.Ready, (await h.Hot.GetAsync("PR-002", Ct)).ColdState);
        Assert.Equal(ColdState.Ready, (await h.Hot.GetAsync("PR-003", Ct)).ColdState);
        var moved = EventsOf(h, SyncEventKind.DependencyCommit);
        Assert.Equal(["PR-002", "PR-003"], moved.Select(e => e.PrId));
        Assert.All(moved, e => Assert.Equal(("blocked", "ready", h.Repo.Head()), (e.From, e.To, e.Commit)));
        Assert.Equal(["PR-001", "PR-002", "PR-003"], (await sync.ReadyAsync(Ct)).Where(s => s.Id is "PR-001" or "PR-002" or "PR-003").Select(s => s.Id).Order());
    }

    [Fact]
    public async Task TransitionAsync_DependencyBroken_BlocksReadyAndPlannedDependants()
    {
        var h = await HarnessAsync(SyncTaskList.Build(
            new TestPr("PR-001", "completed"),
            new TestPr("PR-002", "ready", "PR-001"),
            new TestPr("PR-003", "planned", "PR-001"),
            new TestPr("PR-004", "approved", "PR-001"),
            new TestPr("PR-005", "ready")));
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "qc-1", HotState.UnderReview, Ct)).Lease!;

        var result = await sync.TransitionAsync("PR-001", ColdState.Broken, "qc-1", lease, "tests fail", Ct);

        Assert.Equal(["PR-002: ready → blocked", "PR-003: planned → blocked"], result.DependencyChanges);
        var list = TaskList.Parse(h.HeadTaskList());
        Assert.Equal(ColdState.Broken, list.Find("PR-001")!.ColdState);
        Assert.Equal(ColdState.Blocked, list.Find("PR-002")!.ColdState);
        Assert.Equal(ColdState.Blocked, list.Find("PR-003")!.ColdState);
        Assert.Equal(ColdState.Approved, list.Find("PR-004")!.ColdState);
        Assert.Equal(ColdState.Ready, list.Find("PR-005")!.ColdState);
        Assert.Contains("- Reason: tests fail\n", h.Message("HEAD~1"), StringComparison.Ordinal);
        Assert.Equal(3, h.CommitCount());
    }

    [Fact]
    public async Task TransitionAsync_DependencyBrokenUnderHotWork_ClearsTheWorkThatIsNowBlocked()
    {
        var h = await HarnessAsync(SyncTaskList.Build(
            new TestPr("PR-001", "completed"),
            new TestPr("PR-002", "ready", "PR-001"),
            new TestPr("PR-005", "ready")));
        var sync = await h.StartSyncAsync();
        var review = (await sync.ClaimAsync("PR-001", "qc-1", HotState.UnderReview, Ct)).Lease!;
        var work = (await sync.ClaimAsync("PR-002", "agent-1", HotState.InProgress, Ct)).Lease!;
        await sync.ClaimAsync("PR-005", "agent-2", HotState.InProgress, Ct);

        await sync.TransitionAsync("PR-001", ColdState.Broken, "qc-1", review, "tests fail", Ct);

        // git says blocked: the in-progress work on PR-002 is gone at once (git wins), not at the next reconciliation.
        var snapshot = await h.Hot.GetAsync("PR-002", Ct);
        Assert.Equal((ColdState.Blocked, (HotState?)null), (snapshot.ColdState, snapshot.HotState));
        Assert.True((await sync.ReconcileAsync(dryRun: true, Ct)).Clean);
        Assert.Single(EventsOf(h, SyncEventKind.Conflict), e => e.PrId == "PR-002");
        var e = await Assert.ThrowsAsync<ThermoclineException>(() => sync.TransitionAsync("PR-002", ColdState.Completed, "agent-1", work, null, Ct));
        Assert.Equal(ErrorKind.LeaseConflict, e.Kind);
        Assert.Equal(HotState.InProgress, (await h.Hot.GetAsync("PR-005", Ct)).HotState);
    }

    [Fact]
    public async Task StartAsync_DependencyChangesPending_AppliedInOneCommit()
    {
        var h = await HarnessAsync(SyncTaskList.Build(
            new TestPr("PR-001", "completed"),
            new TestPr("PR-002", "blocked", "PR-001"),
            new TestPr("PR-003", "new"),
            new TestPr("PR-004", "new", "PR-005"),
            new TestPr("PR-005", "ready")));

        var report = await h.NewSync().StartAsync(Ct);

        Assert.Equal(3, report.DependencyChanges);
        Assert.Equal(2, h.CommitCount());
        var message = h.Message();
        Assert.StartsWith("[Dependencies] Update 3 PRs after start-up", message, StringComparison.Ordinal);
        var list = TaskList.Parse(h.HeadTaskList());
        Assert.Equal(ColdState.Ready, list.Find("PR-002")!.ColdState);
        Assert.Equal(ColdState.Ready, list.Find("PR-003")!.ColdState);
        Assert.Equal(ColdState.Blocked, list.Find("PR-004")!.ColdState);
        Assert.Equal(ColdState.Blocked, (await h.Hot.GetAsync("PR-004", Ct)).ColdState);

        // A second start finds nothing more to do.
        var again = await h.NewSync().StartAsync(Ct);
        Assert.Equal(0, again.DependencyChanges);
        Assert.Equal(2, h.CommitCount());
    }

    [Fact]
    public async Task TransitionAsync_ColdToColdWithoutDependants_OneCommitOnly()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();

        var result = await sync.TransitionAsync("PR-005", ColdState.Approved, "qc-1", null, null, Ct);

        Assert.NotNull(result.Commit);
        Assert.Null(result.DependencyCommit);
        Assert.Empty(result.DependencyChanges);
        Assert.Equal(2, h.CommitCount());
        Assert.StartsWith("PR-005: completed → approved\n\nAgent qc-1 approved PR-005.\n\nMetadata:\n- From: completed (cold)\n- To: approved (cold)\n- Agent: qc-1\n- Timestamp: ", h.Message(), StringComparison.Ordinal);
        Assert.DoesNotContain("Lease:", h.Message(), StringComparison.Ordinal);
        Assert.Equal(ColdState.Approved, (await h.Hot.GetAsync("PR-005", Ct)).ColdState);
    }

    [Fact]
    public async Task TransitionAsync_DependencyMetForManualBlocks_OnlyTheEnginesBlockIsLifted()
    {
        // PR-002..PR-004 wait on PR-001 (the engine blocked them: the list's first commit says so). An agent blocks PR-008
        // (ready → blocked) and a person blocks PR-007 in a commit of theirs; both wait on nothing unmet (PR-005 is completed).
        var h = await HarnessAsync(SyncTaskList.Build([.. SyncTaskList.Default, new("PR-008", "ready", "PR-005")]));
        var sync = await h.StartSyncAsync();
        await sync.TransitionAsync("PR-008", ColdState.Blocked, "agent-9", null, "waiting on a design review", Ct);
        h.PersonCommits(SyncTaskList.WithState(h.HeadTaskList(), "PR-007", "blocked"), "Block PR-007 until the release");
        await sync.ReconcileAsync(dryRun: false, Ct);
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;

        var result = await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);

        Assert.Equal(["PR-002: blocked → ready", "PR-003: blocked → ready"], result.DependencyChanges);
        var list = TaskList.Parse(h.HeadTaskList());
        Assert.Equal(ColdState.Blocked, list.Find("PR-007")!.ColdState);
        Assert.Equal(ColdState.Blocked, list.Find("PR-008")!.ColdState);
        Assert.Equal(ColdState.Blocked, (await h.Hot.GetAsync("PR-008", Ct)).ColdState);

        // A start-up lifts nothing either: the blocks stick until someone moves them.
        Assert.Equal(0, (await h.NewSync().StartAsync(Ct)).DependencyChanges);
        await sync.TransitionAsync("PR-008", ColdState.Ready, "agent-9", null, "review done", Ct);
        Assert.Equal(ColdState.Ready, TaskList.Parse(h.HeadTaskList()).Find("PR-008")!.ColdState);
    }
}
