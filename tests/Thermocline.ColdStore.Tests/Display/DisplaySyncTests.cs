using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Tests.Display;

public sealed class DisplaySyncTests
{
    private static readonly HotWorkItem[] TwoHot =
    [
        new("PR-002", HotState.Planning, "agent-2", ColdRepo.Start.AddMinutes(-3)),
        new("PR-001", HotState.InProgress, "agent-1", ColdRepo.Start.AddMinutes(-9)),
    ];

    [Fact]
    public async Task SyncDisplay_HotWork_CommitsSectionAndListsPrsShown()
    {
        await using var r = await ColdRepo.CreateAsync();

        var result = await r.Store.SyncDisplayAsync(TwoHot);

        Assert.Equal(DisplaySyncOutcome.Committed, result.Outcome);
        Assert.Equal(["PR-001", "PR-002"], result.PrsShown);
        Assert.Equal(
            "[Display Sync] Update hot state visibility\n\nUpdated display for:\n- PR-001: in-progress (agent-1)\n- PR-002: planning (agent-2)\n",
            r.Message());
        var head = TaskList.Parse(System.Text.Encoding.UTF8.GetBytes(r.HeadTaskList()));
        Assert.Equal(HotStateDisplay.Render(TwoHot, ColdRepo.Start), head.HotStateDisplayBody);
        Assert.StartsWith(TestTaskList.Text, r.HeadTaskList(), StringComparison.Ordinal);
        Assert.Equal("", r.Repo.Status());
        Assert.True((await r.Store.AuditHistoryAsync()).IsClean);
    }

    [Fact]
    public async Task SyncDisplay_SameHotWorkLater_CommitsNothing()
    {
        await using var r = await ColdRepo.CreateAsync();
        await r.Store.SyncDisplayAsync(TwoHot);
        var head = r.Repo.Head();
        r.FakeTime!.Advance(TimeSpan.FromSeconds(30));

        var result = await r.Store.SyncDisplayAsync([.. TwoHot.Reverse()]);

        Assert.Equal(DisplaySyncOutcome.SkippedUnchanged, result.Outcome);
        Assert.Null(result.Commit);
        Assert.Equal(head, r.Repo.Head());
    }

    [Fact]
    public async Task SyncDisplay_NothingHotAndNoSection_CommitsNothing()
    {
        await using var r = await ColdRepo.CreateAsync();
        var head = r.Repo.Head();

        var result = await r.Store.SyncDisplayAsync([]);

        Assert.Equal(DisplaySyncOutcome.SkippedUnchanged, result.Outcome);
        Assert.Equal(head, r.Repo.Head());
    }

    [Fact]
    public async Task SyncDisplay_WithinQuietPeriodOfColdCommit_SkippedThenCommittedAfterIt()
    {
        await using var r = await ColdRepo.CreateAsync();
        await r.Store.CommitTransitionAsync(new ColdTransition("PR-001", HotState.InProgress, ColdState.Completed, "agent-1") { ClaimedFrom = ColdState.Ready });
        var milestone = r.Repo.Head();
        r.FakeTime!.Advance(TimeSpan.FromSeconds(4));

        var early = await r.Store.SyncDisplayAsync(TwoHot[..1]);
        r.FakeTime.Advance(TimeSpan.FromSeconds(2));
        var later = await r.Store.SyncDisplayAsync(TwoHot[..1]);

        Assert.Equal(DisplaySyncOutcome.SkippedRecentColdCommit, early.Outcome);
        Assert.Equal(DisplaySyncOutcome.Committed, later.Outcome);
        Assert.Equal(milestone, r.Repo.Git("rev-parse", "HEAD~1").Trim());
    }

    [Fact]
    public async Task SyncDisplay_ColdCommitByAnotherHubWithinQuietPeriod_Skipped()
    {
        await using var r = await ColdRepo.CreateAsync();
        await using (var other = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = r.Repo.WorkDir }, r.FakeTime))
        {
            await other.CommitTransitionAsync(new ColdTransition("PR-002", ColdState.Blocked, ColdState.Ready, "hub"));
        }

        r.FakeTime!.Advance(TimeSpan.FromSeconds(1));
        var result = await r.Store.SyncDisplayAsync(TwoHot);

        Assert.Equal(DisplaySyncOutcome.SkippedRecentColdCommit, result.Outcome);
    }

    [Fact]
    public async Task SyncDisplay_NothingHotAnymore_ClearsTheSection()
    {
        await using var r = await ColdRepo.CreateAsync();
        await r.Store.SyncDisplayAsync(TwoHot);
        r.FakeTime!.Advance(TimeSpan.FromMinutes(1));

        var result = await r.Store.SyncDisplayAsync([]);

        Assert.Equal(DisplaySyncOutcome.Committed, result.Outcome);
        Assert.Equal("[Display Sync] Update hot state visibility\n\nNo PR is hot; display cleared.\n", r.Message());
        var head = TaskList.Parse(System.Text.Encoding.UTF8.GetBytes(r.HeadTaskList()));
        Assert.Contains("No PR is being worked on right now.", head.HotStateDisplayBody, StringComparison.Ordinal);
        Assert.DoesNotContain("agent-1", head.HotStateDisplayBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncDisplay_PersonsUncommittedEdit_KeptInWorkingTree()
    {
        await using var r = await ColdRepo.CreateAsync();
        var edited = TestTaskList.Text.Replace("Free text before the first PR.", "Free text, edited.", StringComparison.Ordinal);
        r.Repo.WriteFile(ColdRepo.Path, edited);

        var result = await r.Store.SyncDisplayAsync(TwoHot);

        Assert.Equal(WorkingTreeUpdate.Merged, result.Commit!.WorkingTree);
        var working = r.Repo.ReadFile(ColdRepo.Path);
        Assert.Contains("Free text, edited.", working, StringComparison.Ordinal);
        Assert.Contains("| PR-001 | in-progress | agent-1 |", working, StringComparison.Ordinal);
        Assert.DoesNotContain("edited", r.HeadTaskList(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncDisplay_AgentNameThatWouldForgeATableRow_Refused()
    {
        await using var r = await ColdRepo.CreateAsync();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() =>
            r.Store.SyncDisplayAsync([new HotWorkItem("PR-001", HotState.InProgress, "a | PR-003 | approved", ColdRepo.Start)]));

        Assert.Equal(ErrorKind.Usage, ex.Kind);
    }
}
