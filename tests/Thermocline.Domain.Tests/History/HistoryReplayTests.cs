using Thermocline.Domain.Commits;
using Thermocline.Domain.History;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.History;

public sealed class HistoryReplayTests
{
    private static readonly (string, string)[] Start = [("PR-001", "ready"), ("PR-002", "blocked")];

    // The history the hub makes: the list, a claim shown, work done, its dependency lifted, a second PR planned.
    private static FakeHistory CleanHistory()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        h.DisplaySync(Start, new HotWorkItem("PR-001", HotState.InProgress, "agent-1", FakeHistory.Start));
        h.Milestone(FakeHistory.List([("PR-001", "completed"), ("PR-002", "blocked")], Display("PR-001")), "PR-001", HotState.InProgress, ColdState.Completed, lease: 3);
        h.Dependencies(FakeHistory.List([("PR-001", "completed"), ("PR-002", "ready")], Display("PR-001")), new ColdChange("PR-002", ColdState.Blocked, ColdState.Ready));
        h.DisplaySync([("PR-001", "completed"), ("PR-002", "ready")]);
        h.Milestone(FakeHistory.List([("PR-001", "completed"), ("PR-002", "planned")], Display(null)), "PR-002", HotState.Investigating, ColdState.Planned, lease: 1);
        h.Milestone(FakeHistory.List([("PR-001", "approved"), ("PR-002", "planned")], Display(null)), "PR-001", HotState.UnderReview, ColdState.Approved, lease: 4);
        return h;
    }

    // The display body a sync wrote, so that a following milestone's list keeps it byte for byte.
    private static string Display(string? pr) => HotStateDisplay.Render(
        pr is null ? [] : [new HotWorkItem(pr, HotState.InProgress, "agent-1", FakeHistory.Start)],
        FakeHistory.Start.AddMinutes(pr is null ? 4 : 1));

    [Fact]
    public void Run_HubMadeHistory_IsCleanAndCountsEveryMilestone()
    {
        var replay = CleanHistory().Replay();

        Assert.True(replay.Report.Findings.Count == 0, string.Join("\n", replay.Report.Findings));
        Assert.Equal(7, replay.Report.CommitsExamined);
        Assert.Equal(4, replay.Report.Milestones);
        Assert.Equal(2, replay.Report.Prs);
        Assert.Equal("7 commits, 4 milestones, 2 PRs: clean", replay.Report.Summary);
        Assert.Equal(
            ["PR-001 - ready", "PR-002 - blocked", "PR-001 ready completed", "PR-002 blocked ready", "PR-002 ready planned", "PR-001 completed approved"],
            replay.Changes.Select(c => $"{c.PrId} {Name(c.From)} {Name(c.To)}"));
    }

    [Fact]
    public void Run_FenceNotAboveTheEarlierOne_FenceRegressionNamingBothCommits()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        var first = h.Milestone(FakeHistory.List(("PR-001", "completed"), ("PR-002", "blocked")), "PR-001", HotState.InProgress, ColdState.Completed, lease: 7);
        var second = h.Milestone(FakeHistory.List(("PR-001", "approved"), ("PR-002", "blocked")), "PR-001", HotState.UnderReview, ColdState.Approved, lease: 7);

        var report = h.Replay().Report;

        var finding = Assert.Single(report.Findings);
        Assert.Equal((AuditFindingKind.FenceRegression, FindingSeverity.Violation, second, first, "PR-001"), (finding.Kind, finding.Severity, finding.Sha, finding.OtherSha, finding.PrId));
        Assert.Contains("fence 7, not above fence 7", finding.Problem, StringComparison.Ordinal);
        Assert.False(report.IsClean);
    }

    [Fact]
    public void Run_RestoredMilestoneRepeatsItsFence_IsClean()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        var original = h.Milestone(FakeHistory.List(("PR-001", "completed"), ("PR-002", "blocked")), "PR-001", HotState.InProgress, ColdState.Completed, lease: 7);
        h.Commit("A copy saved over the hub's edit", FakeHistory.List(Start));
        h.Milestone(FakeHistory.List(("PR-001", "completed"), ("PR-002", "blocked")), "PR-001", HotState.InProgress, ColdState.Completed, lease: 7, restores: original);

        var report = h.Replay().Report;

        Assert.True(report.IsClean, string.Join("\n", report.Findings));
        Assert.Equal(AuditFindingKind.BypassedHub, Assert.Single(report.Findings).Kind);
    }

    [Fact]
    public void Run_TwoMilestonesUndoneAndRestoredInOrder_IsClean()
    {
        // A person's commit from an old copy undid two milestones of one PR; the hub commits both again, oldest first. The
        // first restored one repeats fence 7 after the original fence 9: a re-statement, not a lease that went back.
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        var first = h.Milestone(FakeHistory.List(("PR-001", "completed"), ("PR-002", "blocked")), "PR-001", HotState.InProgress, ColdState.Completed, lease: 7);
        var second = h.Milestone(FakeHistory.List(("PR-001", "approved"), ("PR-002", "blocked")), "PR-001", HotState.UnderReview, ColdState.Approved, lease: 9);
        h.Commit("A copy saved over the hub's edits", FakeHistory.List(Start));
        h.Milestone(FakeHistory.List(("PR-001", "completed"), ("PR-002", "blocked")), "PR-001", HotState.InProgress, ColdState.Completed, lease: 7, restores: first);
        h.Milestone(FakeHistory.List(("PR-001", "approved"), ("PR-002", "blocked")), "PR-001", HotState.UnderReview, ColdState.Approved, lease: 9, restores: second);

        var report = h.Replay().Report;

        Assert.True(report.IsClean, string.Join("\n", report.Findings));
    }

    [Fact]
    public void Run_RestoredMilestoneWithAnotherFenceThanItsOriginal_FenceRegression()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        var original = h.Milestone(FakeHistory.List(("PR-001", "completed"), ("PR-002", "blocked")), "PR-001", HotState.InProgress, ColdState.Completed, lease: 7);
        h.Commit("A copy saved over the hub's edit", FakeHistory.List(Start));
        var restored = h.Milestone(FakeHistory.List(("PR-001", "completed"), ("PR-002", "blocked")), "PR-001", HotState.InProgress, ColdState.Completed, lease: 5, restores: original);

        var report = h.Replay().Report;

        var finding = Assert.Single(report.Violations);
        Assert.Equal((AuditFindingKind.FenceRegression, restored, original), (finding.Kind, finding.Sha, finding.OtherSha));
        Assert.Contains("fence 5, but the milestone it restores had fence 7", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ColdToColdNotInTheTable_DisallowedTransition()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        var bad = h.Milestone(FakeHistory.List(("PR-001", "approved"), ("PR-002", "blocked")), "PR-001", ColdState.Ready, ColdState.Approved, lease: null);

        var finding = Assert.Single(h.Replay().Report.Findings);

        Assert.Equal((AuditFindingKind.DisallowedTransition, bad), (finding.Kind, finding.Sha));
        Assert.Contains("ready → approved is not an allowed transition", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_HotToColdFromAColdStateNoClaimReaches_DisallowedTransition()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        h.Milestone(FakeHistory.List(("PR-001", "ready"), ("PR-002", "completed")), "PR-002", HotState.InProgress, ColdState.Completed, lease: 2);

        var finding = Assert.Single(h.Replay().Report.Findings);

        Assert.Equal(AuditFindingKind.DisallowedTransition, finding.Kind);
        Assert.Contains("from cold state blocked, which no claim takes to in-progress", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MessageSaysAChangeTheListDoesNotShow_MessageMismatch()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        var unchanged = h.Milestone(FakeHistory.List(Start), "PR-001", ColdState.Ready, ColdState.Blocked, lease: null);
        var other = h.Milestone(FakeHistory.List(("PR-001", "ready"), ("PR-002", "ready")), "PR-001", ColdState.Ready, ColdState.Blocked, lease: null);

        var findings = h.Replay().Report.Findings;

        Assert.Equal([unchanged, other, other], findings.Select(f => f.Sha));
        Assert.All(findings, f => Assert.Equal(AuditFindingKind.MessageMismatch, f.Kind));
        Assert.Contains("PR-001: ready → blocked, but the task list leaves PR-001 ready", findings[0].Problem, StringComparison.Ordinal);
        Assert.Contains("but the task list leaves PR-001 ready", findings[1].Problem, StringComparison.Ordinal);
        Assert.Contains("also changes PR-002: blocked → ready", findings[2].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_HotToColdBackToTheColdStateClaimedFrom_EmptyCommitIsClean()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(("PR-001", "planned"), ("PR-002", "blocked")));
        h.Commit(
            CommitMessages.Transition(new ColdTransition("PR-001", HotState.Investigating, ColdState.Planned, "agent-1") { Lease = 2, ClaimedFrom = ColdState.Planned }, FakeHistory.Start, 100),
            FakeHistory.List(("PR-001", "planned"), ("PR-002", "blocked")),
            FakeHistory.Hub,
            changedPaths: []);

        var replay = h.Replay();

        Assert.True(replay.Report.Findings.Count == 0, string.Join("\n", replay.Report.Findings));
        Assert.Equal(1, replay.Report.Milestones);
    }

    [Fact]
    public void Run_DependencyCommitListsWhatTheListDoesNotChange_MessageMismatch()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        h.Dependencies(FakeHistory.List(("PR-001", "blocked"), ("PR-002", "blocked")), new ColdChange("PR-002", ColdState.Blocked, ColdState.Ready));

        var findings = h.Replay().Report.Findings;

        Assert.Equal(["PR-002", "PR-001"], findings.Select(f => f.PrId));
        Assert.All(findings, f => Assert.Equal(AuditFindingKind.MessageMismatch, f.Kind));
    }

    [Fact]
    public void Run_HubCommitThatCreatesTheList_NothingToJudge()
    {
        var h = new FakeHistory();
        h.Commit("README", null);
        h.Dependencies(FakeHistory.List(("PR-001", "ready"), ("PR-002", "blocked")), new ColdChange("PR-002", ColdState.New, ColdState.Blocked));

        var replay = h.Replay();

        Assert.True(replay.Report.Findings.Count == 0, string.Join("\n", replay.Report.Findings));
        Assert.Equal(2, replay.Report.Prs);
    }

    [Fact]
    public void Run_PersonEditsAColdState_BypassWarningWithAuthorAndStillClean()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        var edit = h.Commit("Unblock PR-002 by hand", FakeHistory.List(("PR-001", "ready"), ("PR-002", "ready")));
        h.Commit("Add PR-003", FakeHistory.List(("PR-001", "ready"), ("PR-002", "ready"), ("PR-003", "new")));

        var report = h.Replay().Report;

        var finding = Assert.Single(report.Findings);
        Assert.Equal((AuditFindingKind.BypassedHub, FindingSeverity.Warning, edit, "PR-002", "blocked", "ready", FakeHistory.Person),
            (finding.Kind, finding.Severity, finding.Sha, finding.PrId, finding.From, finding.To, finding.Author));
        Assert.True(report.IsClean);
        Assert.Equal("3 commits, 0 milestones, 3 PRs: clean, 0 violations, 1 warning", report.Summary);
    }

    [Fact]
    public void Run_MergeTakingEachPrFromOneSide_NoFinding_ResultUnlikeBothSides_Bypass()
    {
        var h = new FakeHistory();
        var root = h.Commit("Add the task list", FakeHistory.List(("PR-001", "ready"), ("PR-002", "blocked"), ("PR-003", "new")));
        var hub = h.Milestone(FakeHistory.List(("PR-001", "completed"), ("PR-002", "blocked"), ("PR-003", "new")), "PR-001", HotState.InProgress, ColdState.Completed, lease: 1);
        var side = h.Commit("Unblock PR-002 on a topic branch", FakeHistory.List(("PR-001", "ready"), ("PR-002", "ready"), ("PR-003", "new")), parents: [root]);
        h.Commit("Merge topic", FakeHistory.List(("PR-001", "completed"), ("PR-002", "ready"), ("PR-003", "new")), parents: [hub, side]);
        var unlike = h.Commit("Merge again, by hand", FakeHistory.List(("PR-001", "completed"), ("PR-002", "ready"), ("PR-003", "blocked")), parents: [hub, side]);

        var findings = h.Replay().Report.Findings;

        Assert.Equal([(side, "PR-002"), (unlike, "PR-003")], findings.Select(f => (f.Sha, f.PrId!)));
        Assert.All(findings, f => Assert.Equal(AuditFindingKind.BypassedHub, f.Kind));
        Assert.Contains("a merge whose result matches neither parent", findings[1].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_HubCommitTouchingAnotherFileOrCommittingHotState_Violations()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        var sweeping = h.Milestone(FakeHistory.List(("PR-001", "blocked"), ("PR-002", "blocked")), "PR-001", ColdState.Ready, ColdState.Blocked, lease: null);
        h.Commits[^1] = h.Commits[^1] with { ChangedPaths = [TaskList.DefaultPath, "notes.txt"] };
        var hot = h.Commit("PR-002: blocked → investigating", FakeHistory.List(("PR-001", "blocked"), ("PR-002", "blocked")) + "\n");
        var beat = h.Commit("Heartbeat PR-002 agent-1", FakeHistory.List(("PR-001", "blocked"), ("PR-002", "blocked")) + "\n\n");
        h.Commit("Fix the heartbeat timeout", null, changedPaths: ["src/heartbeat.cs"]);

        var findings = h.Replay().Report.Findings;

        Assert.Equal(
            [(sweeping, AuditFindingKind.HubCommitTouchesOtherFiles), (hot, AuditFindingKind.HotTransitionCommitted), (beat, AuditFindingKind.HeartbeatCommitted)],
            findings.Select(f => (f.Sha, f.Kind)));
    }

    [Fact]
    public void Run_DisplayedHoldingThatEndsWithoutAMilestone_IsNotMarkedAsEndedWithOne()
    {
        var h = CleanHistory();
        var claim = new HotWorkItem("PR-002", HotState.Investigating, "agent-2", FakeHistory.Start.AddMinutes(9));
        var shown = h.DisplaySync([("PR-001", "approved"), ("PR-002", "planned")], claim);
        var cleared = h.DisplaySync([("PR-001", "approved"), ("PR-002", "planned")]);

        var replay = h.Replay();

        Assert.True(replay.Report.IsClean, string.Join("\n", replay.Report.Findings));
        Assert.Equal(
            [("PR-001", true, (string?)h.Commits[4].Sha), ("PR-002", false, cleared)],
            replay.Holdings.Select(x => (x.PrId, x.EndedWithMilestone, x.EndedAt)));
        Assert.Equal(shown, replay.Holdings[1].FirstShown);
    }

    [Fact]
    public void Run_BrokenListInHistory_WarnsOnceAndCarriesOn()
    {
        var h = new FakeHistory();
        h.Commit("Add the task list", FakeHistory.List(Start));
        var broken = h.Commit("Oops", FakeHistory.List(Start).Replace("cold_state: blocked", "cold_state: nonsense", StringComparison.Ordinal));
        h.Commit("Fixed", FakeHistory.List(Start));

        var report = h.Replay().Report;

        var finding = Assert.Single(report.Findings);
        Assert.Equal((AuditFindingKind.BrokenTaskList, FindingSeverity.Warning, broken), (finding.Kind, finding.Severity, finding.Sha));
        Assert.Contains("docs/task-list.md:", finding.Problem, StringComparison.Ordinal);
    }

    private static string Name(ColdState? s) => s is { } state ? StateNames.Of(state) : "-";
}
