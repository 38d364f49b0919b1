using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;

namespace Thermocline.ColdStore.Tests.Commits;

public sealed class CommitTransitionTests
{
    private static ColdTransition Finish(string pr = "PR-001", long? lease = 17) =>
        new(pr, HotState.InProgress, ColdState.Completed, "agent-1") { Lease = lease, ClaimedFrom = ColdState.Ready };

    [Fact]
    public async Task CommitTransition_HotToCold_CommitsMessageExactlyAsSpec()
    {
        await using var r = await ColdRepo.CreateAsync();

        var result = await r.Store.CommitTransitionAsync(Finish());

        Assert.True(result.Committed);
        Assert.Equal(r.Repo.Head(), result.Sha);
        Assert.Equal(
            "PR-001: in-progress → completed\n\n" +
            "Agent agent-1 finished work on PR-001.\n\n" +
            "Metadata:\n" +
            "- From: in-progress (hot)\n" +
            "- To: completed (cold)\n" +
            "- Agent: agent-1\n" +
            "- Lease: 17\n" +
            "- Timestamp: 2025-11-14T10:30:00Z\n",
            r.Message());
        Assert.Equal("Thermocline Hub <thermocline@localhost>|Thermocline Hub <thermocline@localhost>", r.Repo.Git("log", "-1", "--format=%an <%ae>|%cn <%ce>").Trim());
    }

    [Fact]
    public async Task CommitTransition_OneLineOfTaskList_ChangesOnlyThatValueAndKeepsStatusClean()
    {
        await using var r = await ColdRepo.CreateAsync();

        var result = await r.Store.CommitTransitionAsync(Finish());

        Assert.Equal(TestTaskList.With(TestTaskList.Text, "PR-001", "ready", "completed"), r.HeadTaskList());
        Assert.Equal(ColdRepo.Path, r.Repo.Git("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").Trim());
        Assert.Equal("1\t1\tdocs/task-list.md", r.Repo.Git("diff", "--numstat", "HEAD~1", "HEAD").Trim());
        Assert.Equal(WorkingTreeUpdate.Replaced, result.WorkingTree);
        Assert.Equal(IndexUpdate.Updated, result.Index);
        Assert.Equal("", r.Repo.Status());
        Assert.Equal(r.HeadTaskList(), r.Repo.ReadFile(ColdRepo.Path));
        r.Repo.Git("fsck", "--strict", "--no-progress");
    }

    [Fact]
    public async Task CommitTransition_StagedUnrelatedFile_StaysStagedAndOutOfCommit()
    {
        await using var r = await ColdRepo.CreateAsync();
        r.Repo.WriteFile("src/feature.cs", "class Feature {}\n");
        r.Repo.Git("add", "src/feature.cs");
        r.Repo.WriteFile("notes.txt", "untracked\n");

        await r.Store.CommitTransitionAsync(Finish());

        Assert.Equal(ColdRepo.Path, r.Repo.Git("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").Trim());
        Assert.Equal("A  src/feature.cs\n?? notes.txt", r.Repo.Status());
        Assert.Equal("src/feature.cs", r.Repo.Git("diff", "--cached", "--name-only").Trim());
    }

    [Fact]
    public async Task CommitTransition_PersonsUncommittedEditToAnotherPr_SurvivesInWorkingTree()
    {
        await using var r = await ColdRepo.CreateAsync();
        var edited = TestTaskList.Text.Replace("**Description:** second.", "**Description:** second, edited by a person.", StringComparison.Ordinal);
        r.Repo.WriteFile(ColdRepo.Path, edited);

        var result = await r.Store.CommitTransitionAsync(Finish());

        Assert.Equal(WorkingTreeUpdate.Merged, result.WorkingTree);
        Assert.Equal(TestTaskList.With(edited, "PR-001", "ready", "completed"), r.Repo.ReadFile(ColdRepo.Path));
        Assert.DoesNotContain("edited by a person", r.HeadTaskList(), StringComparison.Ordinal);
        Assert.Equal(" M docs/task-list.md", r.Repo.Status());
        Assert.Contains("edited by a person", r.Repo.Git("diff"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitTransition_WorkingTreeCopyUnparseable_LeftAloneAndCommitStands()
    {
        await using var r = await ColdRepo.CreateAsync();
        var broken = TestTaskList.Text.Replace("title: Store", "title: Store: unquoted: colon", StringComparison.Ordinal);
        r.Repo.WriteFile(ColdRepo.Path, broken);

        var result = await r.Store.CommitTransitionAsync(Finish());

        Assert.True(result.Committed);
        Assert.Equal(WorkingTreeUpdate.LeftAlone, result.WorkingTree);
        Assert.Equal(broken, r.Repo.ReadFile(ColdRepo.Path));
        Assert.Contains(r.Logger.Entries, e => e.Id.Id == 3004);
    }

    [Fact]
    public async Task CommitTransition_PersonsStagedTaskListChange_StaysStagedWithMilestoneApplied()
    {
        await using var r = await ColdRepo.CreateAsync();
        var staged = TestTaskList.Text.Replace("**Description:** third.", "**Description:** third, staged.", StringComparison.Ordinal);
        r.Repo.WriteFile(ColdRepo.Path, staged);
        r.Repo.Git("add", ColdRepo.Path);

        var result = await r.Store.CommitTransitionAsync(Finish());

        Assert.Equal(IndexUpdate.MergedStaged, result.Index);
        Assert.DoesNotContain("staged.", r.HeadTaskList(), StringComparison.Ordinal);
        var expected = TestTaskList.With(staged, "PR-001", "ready", "completed");
        Assert.Equal(expected, r.Repo.Git("show", ":" + ColdRepo.Path));
        Assert.Equal(expected, r.Repo.ReadFile(ColdRepo.Path));
        Assert.Equal("M  docs/task-list.md", r.Repo.Status());
        Assert.Equal(["-**Description:** third.", "+**Description:** third, staged."],
            r.Repo.Git("diff", "--cached", "-U0").Split('\n').Where(l => l.StartsWith("-*", StringComparison.Ordinal) || l.StartsWith("+*", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CommitTransition_ColdStateNotWhatTransitionStartedFrom_RefusedAsConflict()
    {
        await using var r = await ColdRepo.CreateAsync();
        var head = r.Repo.Head();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() =>
            r.Store.CommitTransitionAsync(new ColdTransition("PR-003", HotState.InProgress, ColdState.Completed, "agent-1") { ClaimedFrom = ColdState.Ready }));

        Assert.Equal(ErrorKind.LeaseConflict, ex.Kind);
        Assert.Contains("git shows completed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(head, r.Repo.Head());
    }

    [Fact]
    public async Task CommitTransition_TransitionNotInTable_RefusedAsInvalid()
    {
        await using var r = await ColdRepo.CreateAsync();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() =>
            r.Store.CommitTransitionAsync(new ColdTransition("PR-001", ColdState.Ready, ColdState.Completed, "agent-1")));

        Assert.Equal(ErrorKind.InvalidTransition, ex.Kind);
    }

    [Fact]
    public async Task CommitTransition_SameState_CommitsNothing()
    {
        await using var r = await ColdRepo.CreateAsync();
        var head = r.Repo.Head();

        var result = await r.Store.CommitTransitionAsync(new ColdTransition("PR-001", ColdState.Ready, ColdState.Ready, "agent-1"));

        Assert.False(result.Committed);
        Assert.Equal(head, result.Sha);
        Assert.Equal(head, r.Repo.Head());
    }

    [Fact]
    public async Task CommitTransition_UnknownPr_RefusedAsNotFound()
    {
        await using var r = await ColdRepo.CreateAsync();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish("PR-999")));

        Assert.Equal(ErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public async Task CommitTransition_TaskListWithErrorsAtHead_RefusedAndNothingWritten()
    {
        var broken = TestTaskList.Text.Replace("dependencies: [PR-001]\n---\n\n**Description:** third.", "dependencies: [PR-404]\n---\n\n**Description:** third.", StringComparison.Ordinal);
        await using var r = await ColdRepo.CreateAsync(broken);
        var head = r.Repo.Head();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish()));

        Assert.Equal(ErrorKind.BadTaskList, ex.Kind);
        Assert.Equal(head, r.Repo.Head());
        Assert.Equal(broken, r.Repo.ReadFile(ColdRepo.Path));
    }

    [Fact]
    public async Task CommitTransition_ConcurrentCallsOnDifferentPrs_AllCommittedInOneLinearHistory()
    {
        var text = Thermocline.Testing.TaskListGenerator.Generate(40, seed: 7);
        await using var r = await ColdRepo.CreateAsync(text);
        var list = await r.Store.ReadTaskListAsync();
        var movable = list.Prs.Where(p => p.ColdState == ColdState.Ready).Take(8).ToList();
        Assert.NotEmpty(movable);

        await Task.WhenAll(movable.Select(p => r.Store.CommitTransitionAsync(new ColdTransition(p.Id, ColdState.Ready, ColdState.Blocked, "hub"))));

        var after = await r.Store.ReadTaskListAsync();
        Assert.All(movable, p => Assert.Equal(ColdState.Blocked, after.Find(p.Id)!.ColdState));
        Assert.Equal((movable.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), r.Repo.Git("rev-list", "--count", "HEAD").Trim());
        Assert.Equal("", r.Repo.Status());
    }
}
