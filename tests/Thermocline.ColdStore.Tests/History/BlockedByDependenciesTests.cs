using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;

namespace Thermocline.ColdStore.Tests.History;

/// <summary>Who blocked a PR, from git's history: only blocks the dependency engine committed are its to lift (SPEC.md).</summary>
public sealed class BlockedByDependenciesTests
{
    [Fact]
    public async Task FindBlockedByDependencies_BlockWrittenInTheListsFirstCommit_IsAPersons()
    {
        await using var r = await ColdRepo.CreateAsync();

        Assert.Empty(await r.Store.FindBlockedByDependenciesAsync(["PR-002"]));
    }

    [Fact]
    public async Task FindBlockedByDependencies_LastBlockWins_EngineAgentAndPersonTold()
    {
        await using var r = await ColdRepo.CreateAsync();
        await EngineAsync(r, "PR-002", ColdState.Blocked, ColdState.Ready);
        await EngineAsync(r, "PR-002", ColdState.Ready, ColdState.Blocked);
        Assert.Equal(["PR-002"], await r.Store.FindBlockedByDependenciesAsync(["PR-002"]));

        // An agent lifts and blocks it again: now the block is the agent's, though the engine's verdict was kept.
        await AgentAsync(r, "PR-002", ColdState.Blocked, ColdState.Ready);
        await AgentAsync(r, "PR-002", ColdState.Ready, ColdState.Blocked);
        Assert.Empty(await r.Store.FindBlockedByDependenciesAsync(["PR-002"]));

        // The engine blocks PR-001, then a person lifts and blocks it by hand in a commit of theirs.
        await EngineAsync(r, "PR-001", ColdState.Ready, ColdState.Blocked);
        Assert.Equal(["PR-001"], await r.Store.FindBlockedByDependenciesAsync(["PR-001", "PR-002"]));
        var text = r.Repo.ReadFile(ColdRepo.Path);
        r.Repo.WriteFile(ColdRepo.Path, TestTaskList.With(text, "PR-001", "blocked", "ready"));
        r.Repo.CommitFiles("Unblock PR-001 for now", ColdRepo.Path);
        r.Repo.WriteFile(ColdRepo.Path, text);
        r.Repo.CommitFiles("Block PR-001 again: waiting on design", ColdRepo.Path);

        Assert.Empty(await r.Store.FindBlockedByDependenciesAsync(["PR-001", "PR-002"]));
    }

    [Fact]
    public async Task FindBlockedByDependencies_PersonsCommitThatLeavesTheBlock_DoesNotTakeItOver()
    {
        await using var r = await ColdRepo.CreateAsync();
        await EngineAsync(r, "PR-002", ColdState.Blocked, ColdState.Ready);
        await EngineAsync(r, "PR-002", ColdState.Ready, ColdState.Blocked);

        // A person edits another PR: PR-002 stays blocked in their commit, but they did not block it.
        r.Repo.WriteFile(ColdRepo.Path, TestTaskList.With(r.Repo.ReadFile(ColdRepo.Path), "PR-003", "completed", "approved"));
        r.Repo.CommitFiles("Approve PR-003", ColdRepo.Path);
        r.Repo.WriteFile("README.md", "unrelated\n");
        r.Repo.CommitFiles("Docs", "README.md");

        Assert.Equal(["PR-002"], await r.Store.FindBlockedByDependenciesAsync(["PR-002"]));
    }

    private static Task<ColdCommit> EngineAsync(ColdRepo r, string pr, ColdState from, ColdState to) =>
        r.Store.CommitDependencyUpdateAsync(new DependencyUpdate([new ColdChange(pr, from, to)], "thermocline-hub", "test"));

    private static Task<ColdCommit> AgentAsync(ColdRepo r, string pr, ColdState from, ColdState to) =>
        r.Store.CommitTransitionAsync(new ColdTransition(pr, from, to, "agent-7"));
}
