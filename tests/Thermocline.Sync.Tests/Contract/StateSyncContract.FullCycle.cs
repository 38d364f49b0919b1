using Thermocline.ColdStore;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    [Fact]
    public async Task FullCycle_ClaimPlanPlanned_HotStaysInRedisMilestoneCommitsDisplayShowsAndClears()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var initial = h.Head();

        // cold → hot: Redis only.
        var claim = await sync.TransitionAsync("PR-001", HotState.Investigating, "agent-1", null, null, Ct);
        Assert.NotNull(claim.Lease);
        var lease = claim.Lease!;
        Assert.Equal(HotState.Investigating, (await h.Hot.GetAsync("PR-001", Ct)).HotState);
        Assert.Equal(initial, h.Head());

        // hot → hot: Redis only.
        var planning = await sync.TransitionAsync("PR-001", HotState.Planning, "agent-1", lease, null, Ct);
        Assert.False(planning.NoOp);
        Assert.Equal(HotState.Planning, (await h.Hot.GetAsync("PR-001", Ct)).HotState);
        Assert.Equal(initial, h.Head());

        // The display shows the hot work.
        var shown = await sync.SyncDisplayAsync(Ct);
        Assert.Equal(DisplaySyncOutcome.Committed, shown!.Outcome);
        Assert.Equal(["PR-001"], shown.PrsShown);
        var display = TaskList.Parse(h.HeadTaskList()).HotStateDisplayBody;
        Assert.NotNull(display);
        Assert.Contains("| PR-001 | planning | agent-1 |", display, StringComparison.Ordinal);
        Assert.StartsWith("[Display Sync] Update hot state visibility", h.Message(), StringComparison.Ordinal);
        Assert.Contains("- PR-001: planning (agent-1)", h.Message(), StringComparison.Ordinal);
        Assert.Equal(ColdState.Ready, TaskList.Parse(h.HeadTaskList()).Find("PR-001")!.ColdState);

        // hot → cold: one milestone commit with the SPEC message and the lease's fence.
        var planned = await sync.TransitionAsync("PR-001", ColdState.Planned, "agent-1", lease, null, Ct);
        Assert.NotNull(planned.Commit);
        Assert.Equal(planned.Commit, h.Head());
        var message = h.Message();
        Assert.StartsWith("PR-001: planning → planned\n\nAgent agent-1 finished planning PR-001.\n\nMetadata:\n- From: planning (hot)\n- To: planned (cold)\n- Agent: agent-1\n", message, StringComparison.Ordinal);
        Assert.Contains($"\n- Lease: {lease.Fence}\n", message, StringComparison.Ordinal);
        Assert.Matches(@"\n- Timestamp: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n", message);
        Assert.Equal(SyncTaskList.Path, h.Repo.Git("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").Trim());
        Assert.Equal(ColdState.Planned, TaskList.Parse(h.HeadTaskList()).Find("PR-001")!.ColdState);

        var after = await h.Hot.GetAsync("PR-001", Ct);
        Assert.False(after.IsHot);
        Assert.Equal(ColdState.Planned, after.ColdState);
        var status = await sync.GetAsync("PR-001", Ct);
        Assert.Equal(WorkState.Of(ColdState.Planned), status.EffectiveState);

        // Within the quiet period the display waits; after it, the section is cleared.
        Assert.Equal(DisplaySyncOutcome.SkippedRecentColdCommit, (await sync.SyncDisplayAsync(Ct))!.Outcome);
        h.PassQuietPeriod();
        var cleared = await sync.SyncDisplayAsync(Ct);
        Assert.Equal(DisplaySyncOutcome.Committed, cleared!.Outcome);
        Assert.Empty(cleared.PrsShown);
        Assert.Contains("No PR is being worked on right now.", TaskList.Parse(h.HeadTaskList()).HotStateDisplayBody, StringComparison.Ordinal);

        // History: the list's first commit (where the engine blocked three PRs), then only display and milestone commits; the audit agrees.
        Assert.Equal(
            ["[Display Sync] Update hot state visibility", "PR-001: planning → planned", "[Display Sync] Update hot state visibility", "[Dependencies] Update 3 PRs after start-up"],
            h.Titles());
        var audit = await h.Cold.AuditHistoryAsync(Ct);
        Assert.True(audit.IsClean, string.Join("; ", audit.Violations.Select(v => v.Problem)));
    }

    [Fact]
    public async Task SyncDisplayAsync_NothingChanged_CommitsNothing()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct);
        Assert.Equal(DisplaySyncOutcome.Committed, (await sync.SyncDisplayAsync(Ct))!.Outcome);
        var head = h.Head();

        // Time passes and heartbeats come in: the display's content ("since" included) stays the same.
        h.FakeTime.Advance(TimeSpan.FromMinutes(1));
        var lease = (await h.Hot.GetAsync("PR-001", Ct)).Fence;
        Assert.NotNull(lease);
        var again = await sync.SyncDisplayAsync(Ct);

        Assert.Equal(DisplaySyncOutcome.SkippedUnchanged, again!.Outcome);
        Assert.Null(again.Commit);
        Assert.Equal(head, h.Head());
    }

    [Fact]
    public async Task SyncDisplayAsync_NothingHotAndNoSection_CommitsNothing()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var head = h.Head();

        var result = await sync.SyncDisplayAsync(Ct);

        Assert.Equal(DisplaySyncOutcome.SkippedUnchanged, result!.Outcome);
        Assert.Equal(head, h.Head());
    }

    [Fact]
    public async Task SyncDisplayAsync_WithinFiveSecondsOfColdCommit_Skipped()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        await sync.ClaimAsync("PR-007", "agent-2", HotState.Investigating, Ct);
        await sync.TransitionAsync("PR-002", ColdState.Ready, "person-1", null, "unblocked by hand", Ct);
        var head = h.Head();

        h.FakeTime.Advance(TimeSpan.FromSeconds(4));
        var skipped = await sync.SyncDisplayAsync(Ct);
        Assert.Equal(DisplaySyncOutcome.SkippedRecentColdCommit, skipped!.Outcome);
        Assert.Equal(head, h.Head());

        h.FakeTime.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(DisplaySyncOutcome.Committed, (await sync.SyncDisplayAsync(Ct))!.Outcome);
        Assert.NotEqual(head, h.Head());
    }

    [Fact]
    public async Task TransitionAsync_HotToHot_NoCommitAndNoOpForSameState()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var head = h.Head();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.Investigating, Ct)).Lease!;

        var same = await sync.TransitionAsync("PR-001", HotState.Investigating, "agent-1", lease, null, Ct);
        await sync.TransitionAsync("PR-001", HotState.Planning, "agent-1", lease, null, Ct);
        await sync.TransitionAsync("PR-001", HotState.InProgress, "agent-1", lease, null, Ct);
        await sync.HeartbeatAsync("PR-001", "agent-1", lease, Ct);

        Assert.True(same.NoOp);
        Assert.Equal(head, h.Head());
        Assert.Equal(HotState.InProgress, (await h.Hot.GetAsync("PR-001", Ct)).HotState);
        Assert.Equal(2, h.Counted("thermocline.transitions", SyncMetrics.TransitionKindAttribute, "hot-to-hot"));
    }

    [Fact]
    public async Task TransitionAsync_HotToColdByAnotherAgent_RefusedAsLeaseConflict()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var head = h.Head();

        await RefusedAsync(ErrorKind.LeaseConflict, () => sync.TransitionAsync("PR-001", ColdState.Completed, "agent-2", lease, null, Ct));
        await RefusedAsync(ErrorKind.LeaseConflict, () => sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", null, null, Ct));
        await RefusedAsync(ErrorKind.InvalidTransition, () => sync.TransitionAsync("PR-001", ColdState.Approved, "agent-1", lease, null, Ct));

        Assert.Equal(head, h.Head());
        Assert.Equal(HotState.InProgress, (await h.Hot.GetAsync("PR-001", Ct)).HotState);
    }

    [Fact]
    public async Task ClaimAsync_UnmetDependencies_RefusedAndNothingWritten()
    {
        var h = await HarnessAsync(SyncTaskList.Build(new TestPr("PR-001", "ready"), new TestPr("PR-002", "ready", "PR-001")));
        var sync = await h.StartSyncAsync();

        var e = await RefusedAsync(ErrorKind.InvalidTransition, () => sync.ClaimAsync("PR-002", "agent-1", HotState.InProgress, Ct));

        Assert.Contains("PR-001", e.Message, StringComparison.Ordinal);
        Assert.False((await h.Hot.GetAsync("PR-002", Ct)).IsHot);
        Assert.DoesNotContain(await sync.ReadyAsync(Ct), s => s.Id == "PR-002");
    }

    [Fact]
    public async Task ClaimAsync_NoTarget_TakesTheUsualOneForGitsColdStateOrRefuses()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();

        var work = await sync.ClaimAsync("PR-001", "agent-1", null, Ct);
        var review = await sync.ClaimAsync("PR-005", "qc-1", null, Ct);
        var e = await RefusedAsync(ErrorKind.InvalidTransition, () => sync.ClaimAsync("PR-006", "qc-1", null, Ct));

        Assert.Equal(HotState.InProgress, work.To);
        Assert.Equal(HotState.UnderReview, review.To);
        Assert.Contains("PR-006", e.Message, StringComparison.Ordinal);
        Assert.False((await h.Hot.GetAsync("PR-006", Ct)).IsHot);
    }

    [Fact]
    public async Task ReleaseAsync_Holder_BackAtColdStateWithoutCommit()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var head = h.Head();
        var lease = (await sync.ClaimAsync("PR-007", "agent-1", HotState.InProgress, Ct)).Lease!;

        await RefusedAsync(ErrorKind.LeaseConflict, () => sync.ReleaseAsync("PR-007", "agent-2", lease, Ct));
        await sync.ReleaseAsync("PR-007", "agent-1", lease, Ct);

        var status = await sync.GetAsync("PR-007", Ct);
        Assert.Null(status.HotState);
        Assert.Equal(ColdState.Planned, status.ColdState);
        Assert.Equal(head, h.Head());
        Assert.Single(EventsOf(h, SyncEventKind.Released));
    }
}
