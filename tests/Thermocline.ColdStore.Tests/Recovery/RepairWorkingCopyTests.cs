using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;

namespace Thermocline.ColdStore.Tests.Recovery;

/// <summary>
/// A hub killed after its commit but before the working-tree and index updates leaves the previous version of the
/// task list in both; committing that later would undo the milestone. Start-up repair brings such stale copies up to
/// HEAD and leaves a person's own edits alone.
/// </summary>
public sealed class RepairWorkingCopyTests
{
    private static ColdTransition Finish(string pr) =>
        new(pr, HotState.InProgress, ColdState.Completed, "agent-1") { Lease = 3, ClaimedFrom = ColdState.Ready };

    [Fact]
    public async Task RepairWorkingCopy_StaleCopyAndIndexFromBeforeOurCommits_BroughtUpToHead()
    {
        await using var r = await ColdRepo.CreateAsync();
        var before = r.Repo.ReadFile(ColdRepo.Path);
        await r.Store.CommitTransitionAsync(Finish("PR-001"));
        await r.Store.CommitTransitionAsync(new ColdTransition("PR-002", ColdState.Blocked, ColdState.Ready, "agent-1"));

        // What a kill between the commit and the updates leaves: the old file in the working tree and the index,
        // plus a half-written temp file of a process that no longer exists.
        r.Repo.WriteFile(ColdRepo.Path, before);
        r.Repo.Git("add", ColdRepo.Path);
        r.Repo.WriteFile("docs/.task-list.md.thermocline-999999-0123.tmp", "half");
        Assert.Equal("M  docs/task-list.md\n?? docs/.task-list.md.thermocline-999999-0123.tmp", r.Repo.Status());

        var (workingTree, index) = await r.Store.RepairWorkingCopyAsync();

        Assert.Equal((WorkingTreeUpdate.Replaced, IndexUpdate.Updated), (workingTree, index));
        Assert.Equal("", r.Repo.Status());
        Assert.Equal(r.Repo.Show("HEAD", ColdRepo.Path), r.Repo.ReadFile(ColdRepo.Path));
    }

    [Fact]
    public async Task RepairWorkingCopy_PersonsOwnEdit_LeftAlone()
    {
        await using var r = await ColdRepo.CreateAsync();
        await r.Store.CommitTransitionAsync(Finish("PR-001"));
        var edited = r.Repo.ReadFile(ColdRepo.Path) + "\nA note a person is writing.\n";
        r.Repo.WriteFile(ColdRepo.Path, edited);

        var (workingTree, index) = await r.Store.RepairWorkingCopyAsync();

        Assert.Equal((WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged), (workingTree, index));
        Assert.Equal(edited, r.Repo.ReadFile(ColdRepo.Path));
    }

    [Fact]
    public async Task RepairWorkingCopy_VersionFromBeforeAPersonsCommit_LeftAlone()
    {
        // Only versions replaced by the hub's own commits count as stale: an older version a person restored on
        // purpose, from before a commit of theirs, is theirs.
        await using var r = await ColdRepo.CreateAsync();
        var theirs = r.Repo.ReadFile(ColdRepo.Path);
        r.Repo.WriteFile(ColdRepo.Path, theirs + "\nMore prose.\n");
        r.Repo.CommitFiles("a person's edit", ColdRepo.Path);
        r.Repo.WriteFile(ColdRepo.Path, theirs);

        var (workingTree, _) = await r.Store.RepairWorkingCopyAsync();

        Assert.Equal(WorkingTreeUpdate.Unchanged, workingTree);
        Assert.Equal(theirs, r.Repo.ReadFile(ColdRepo.Path));
    }
}
