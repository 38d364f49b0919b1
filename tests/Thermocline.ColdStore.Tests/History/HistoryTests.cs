using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.History;
using Thermocline.Domain.States;

namespace Thermocline.ColdStore.Tests.History;

public sealed class HistoryTests
{
    private static async Task MakeHistoryAsync(ColdRepo r)
    {
        await r.Store.CommitTransitionAsync(new ColdTransition("PR-001", HotState.InProgress, ColdState.Completed, "agent-1") { Lease = 4, ClaimedFrom = ColdState.Ready, Reason = "all green" });
        r.FakeTime!.Advance(TimeSpan.FromMinutes(1));
        await r.Store.CommitDependencyUpdateAsync(new DependencyUpdate([new ColdChange("PR-002", ColdState.Blocked, ColdState.Ready)], "hub", "PR-001 → completed"));
        r.FakeTime.Advance(TimeSpan.FromMinutes(1));
        await r.Store.CommitTransitionAsync(new ColdTransition("PR-001", HotState.UnderReview, ColdState.Approved, "qc-agent@ci") { Lease = 9, ClaimedFrom = ColdState.Completed });
        r.FakeTime.Advance(TimeSpan.FromMinutes(1));
        await r.Store.SyncDisplayAsync([new("PR-002", HotState.Investigating, "agent-2", ColdRepo.Start)]);
        r.FakeTime.Advance(TimeSpan.FromMinutes(1));
        await r.Store.CommitTransitionAsync(new ColdTransition("PR-002", HotState.Investigating, ColdState.Planned, "agent-2") { Lease = 1, ClaimedFrom = ColdState.Ready });
    }

    [Fact]
    public async Task GetHistory_AllPrs_ParsesEveryMilestoneNewestFirst()
    {
        await using var r = await ColdRepo.CreateAsync();
        await MakeHistoryAsync(r);

        var history = await r.Store.GetHistoryAsync();

        Assert.Equal(
            ["PR-002 investigating→planned agent-2 1", "PR-001 under-review→approved qc-agent@ci 9", "PR-002 blocked→ready hub -", "PR-001 in-progress→completed agent-1 4"],
            history.Select(m => $"{m.PrId} {m.From}→{StateNames.Of(m.To)} {m.Agent} {m.Lease?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}"));
        Assert.Equal(r.Repo.Head(), history[0].Sha);
        Assert.Equal(ColdRepo.Start.AddMinutes(4), history[0].Timestamp);
        Assert.Equal("all green", history[3].Reason);
        Assert.Equal(MilestoneKind.Dependency, history[2].Kind);
    }

    [Fact]
    public async Task GetHistory_OnePr_OnlyItsMilestones_AndLastAndHighestLease()
    {
        await using var r = await ColdRepo.CreateAsync();
        await MakeHistoryAsync(r);

        var pr1 = await r.Store.GetHistoryAsync("PR-001");
        var last = await r.Store.GetLastMilestoneAsync("PR-001");
        var lease = await r.Store.GetHighestLeaseAsync("PR-001");
        var none = await r.Store.GetLastMilestoneAsync("PR-003");

        Assert.Equal([ColdState.Approved, ColdState.Completed], pr1.Select(m => m.To));
        Assert.Equal(ColdState.Approved, last!.To);
        Assert.Equal(r.Repo.Git("rev-parse", "HEAD~2").Trim(), last.Sha);
        Assert.Equal(9, lease);
        Assert.Null(none);
        Assert.Null(await r.Store.GetHighestLeaseAsync("PR-003"));
    }

    [Fact]
    public async Task GetHistory_OnePr_FollowsTheBranchForwardAndBackAfterAReset()
    {
        await using var r = await ColdRepo.CreateAsync();
        await r.Store.CommitTransitionAsync(new ColdTransition("PR-001", HotState.InProgress, ColdState.Completed, "agent-1") { Lease = 4, ClaimedFrom = ColdState.Ready });
        var first = await r.Store.GetHistoryAsync("PR-001");
        await r.Store.CommitTransitionAsync(new ColdTransition("PR-001", HotState.UnderReview, ColdState.Approved, "qc") { Lease = 9, ClaimedFrom = ColdState.Completed });
        var second = await r.Store.GetHistoryAsync("PR-001");

        // A person takes the approval back out of the branch: the milestone it carried is no longer history.
        r.Repo.Git("reset", "-q", "--hard", "HEAD~1");
        var afterReset = await r.Store.GetHistoryAsync("PR-001");

        Assert.Equal([4L], first.Select(m => m.Lease!.Value));
        Assert.Equal([9L, 4L], second.Select(m => m.Lease!.Value));
        Assert.Equal([4L], afterReset.Select(m => m.Lease!.Value));
        Assert.Equal(4, await r.Store.GetHighestLeaseAsync("PR-001"));
    }

    [Fact]
    public async Task AuditHistory_OnlyOurCommitsAndPeoplesEdits_IsClean()
    {
        await using var r = await ColdRepo.CreateAsync();
        await MakeHistoryAsync(r);
        r.Repo.WriteFile("README.md", "people commit too\n");
        r.Repo.CommitFiles("Add readme", "README.md");

        var audit = await r.Store.AuditHistoryAsync();

        Assert.True(audit.IsClean, string.Join("; ", audit.Violations.Select(v => v.Problem)));
        Assert.Equal(7, audit.CommitsExamined);
    }

    [Fact]
    public async Task AuditHistory_HotTransitionOrHeartbeatCommitted_ReportsEach()
    {
        await using var r = await ColdRepo.CreateAsync();
        r.Repo.WriteFile(ColdRepo.Path, TestTaskList.Text + "\n");
        var hot = r.Repo.CommitFiles("PR-001: ready → in-progress\n\nAgent agent-1 started work on PR-001.", ColdRepo.Path);
        r.Repo.WriteFile(ColdRepo.Path, TestTaskList.Text + "\n\n");
        var beat = r.Repo.CommitFiles("Heartbeat PR-001 agent-1", ColdRepo.Path);
        r.Repo.WriteFile(ColdRepo.Path, TestTaskList.With(TestTaskList.Text, "PR-003", "completed", "approved") + "\n\n");
        r.Repo.WriteFile("swept.txt", "swept in\n");
        var sweeping = r.Repo.CommitFiles("[Display Sync] Update hot state visibility", ColdRepo.Path, "swept.txt");

        var audit = await r.Store.AuditHistoryAsync();

        Assert.False(audit.IsClean);
        Assert.Equal([hot, beat, sweeping], audit.Violations.Select(v => v.Sha).Distinct());
        Assert.Contains("cold → hot", audit.Violations[0].Problem, StringComparison.Ordinal);
        Assert.Equal(
            [AuditFindingKind.HubCommitTouchesOtherFiles, AuditFindingKind.MessageMismatch, AuditFindingKind.DisplaySyncOutsideDisplay],
            audit.Violations.Where(v => v.Sha == sweeping).Select(v => v.Kind));
    }

    [Fact]
    public async Task AuditHistory_HandMadeFenceRegression_NamesTheCommitAndTheEarlierOne()
    {
        await using var r = await ColdRepo.CreateAsync();
        await MakeHistoryAsync(r);
        var earlier = r.Repo.Head();
        r.Repo.WriteFile(ColdRepo.Path, r.HeadTaskList().Replace("cold_state: 'planned'", "cold_state: 'completed'", StringComparison.Ordinal));
        var bad = r.Repo.CommitFiles(
            CommitMessages.Transition(new ColdTransition("PR-002", HotState.InProgress, ColdState.Completed, "agent-2") { Lease = 1, ClaimedFrom = ColdState.Planned }, ColdRepo.Start, 100),
            ColdRepo.Path);

        var audit = await r.Store.AuditHistoryAsync();

        var violation = Assert.Single(audit.Violations);
        Assert.Equal((AuditFindingKind.FenceRegression, bad, earlier), (violation.Kind, violation.Sha, violation.OtherSha));
    }
}
