using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Tests.Commits;

/// <summary><see cref="GitColdStore.CommitEditAsync"/> on a real repository: one commit of the task list, a person's copy kept.</summary>
public sealed class CommitEditTests
{
    private static readonly PrEdit Retitle = new("PR-002") { Title = "Parser, again", Priority = Priority.Critical };

    private static Task<ColdRepo> CreateAsync() =>
        ColdRepo.CreateAsync(realTime: true, configure: o => o.LockTimeout = TimeSpan.FromSeconds(0.4));

    [Fact]
    public async Task CommitEdit_OneCommitOfTheTaskListOnly_AndTheSameValuesAgainCommitNothing()
    {
        await using var r = await CreateAsync();
        var before = r.HeadTaskList();

        var (commit, changed) = await r.Store.CommitEditAsync(Retitle, "agent-1");

        Assert.True(commit.Committed);
        Assert.Equal(["title", "priority"], changed);
        Assert.Equal(commit.Sha, r.Repo.Head());
        Assert.StartsWith("PR-002: edited\n\nAgent agent-1 edited PR-002: title, priority.\n", r.Message(), StringComparison.Ordinal);
        Assert.Equal("docs/task-list.md", r.Repo.Git("show", "--name-only", "--format=", "HEAD").Trim());
        Assert.Equal(
            before.Replace("### PR-002: Parser", "### PR-002: Parser, again", StringComparison.Ordinal)
                .Replace("title: \"Parser\"\ncold_state: 'blocked'\n", "title: \"Parser, again\"\ncold_state: 'blocked'\npriority: critical\n", StringComparison.Ordinal),
            r.HeadTaskList());
        Assert.Equal("", r.Repo.Status());

        var (again, none) = await r.Store.CommitEditAsync(Retitle, "agent-1");
        Assert.False(again.Committed);
        Assert.Empty(none);
        Assert.Equal(commit.Sha, r.Repo.Head());
    }

    [Fact]
    public async Task CommitEdit_PersonsUncommittedEditElsewhere_GetsTheEditToo_ButTheirOwnChangeOfTheFieldRefusesIt()
    {
        await using var r = await CreateAsync();
        var original = r.Repo.ReadFile(ColdRepo.Path);
        r.Repo.WriteFile(ColdRepo.Path, original.Replace("**Description:** third.", "**Description:** third, by a person.", StringComparison.Ordinal));

        var (commit, _) = await r.Store.CommitEditAsync(Retitle, "agent-1");

        Assert.Equal(WorkingTreeUpdate.Merged, commit.WorkingTree);
        r.Repo.Git("commit", "-q", "-am", "A person's rewording");
        var committed = r.Repo.Show("main", ColdRepo.Path);
        Assert.Contains("title: \"Parser, again\"", committed, StringComparison.Ordinal);
        Assert.Contains("third, by a person.", committed, StringComparison.Ordinal);

        var head = r.Repo.Head();
        r.Repo.WriteFile(ColdRepo.Path, committed.Replace("title: Store\n", "title: Store of mine\n", StringComparison.Ordinal));
        var e = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitEditAsync(new PrEdit("PR-003") { Title = "Store, renamed" }, "agent-1"));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains("PR-003 was not edited: the working copy", e.Message, StringComparison.Ordinal);
        Assert.Contains("a person changed PR-003's title there", e.Message, StringComparison.Ordinal);
        Assert.Equal(head, r.Repo.Head());
        Assert.Contains("title: Store of mine\n", r.Repo.ReadFile(ColdRepo.Path), StringComparison.Ordinal);
    }
}
