using System.Text;
using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;

namespace Thermocline.ColdStore.Tests.Commits;

public sealed class DependencyUpdateTests
{
    [Fact]
    public async Task CommitDependencyUpdate_ThousandsOfPrsOnACrlfListWithBomAndComments_CommitsTheBytesOfTheChangesAppliedOneByOne()
    {
        await using var r = await ColdRepo.CreateAsync();
        var text = TaskListGenerator.Generate(3_000, seed: 11, new TaskListStyle { Varied = true, Crlf = true, DisplaySection = true });
        byte[] bytes = [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)];
        r.Repo.WriteBytes(ColdRepo.Path, bytes);
        r.Repo.CommitFiles("A person's big task list", ColdRepo.Path);
        var list = TaskList.Parse(bytes);
        var changes = list.Prs
            .Select(p => p.ColdState switch
            {
                ColdState.New => new ColdChange(p.Id, p.ColdState, ColdState.Blocked),
                ColdState.Blocked => new ColdChange(p.Id, p.ColdState, ColdState.Ready),
                ColdState.Ready => new ColdChange(p.Id, p.ColdState, ColdState.Blocked),
                _ => null,
            })
            .OfType<ColdChange>()
            .ToList();
        Assert.True(changes.Count > 1_000, $"only {changes.Count} changes");

        var result = await r.Store.CommitDependencyUpdateAsync(new DependencyUpdate(changes, "thermocline-hub", "start-up"));

        var oneByOne = changes.Aggregate(list, (l, c) => l.WithColdState(c.PrId, c.To)).ToBytes();
        Assert.True(result.Committed);
        Assert.Equal(oneByOne, File.ReadAllBytes(r.Repo.PathOf(ColdRepo.Path)));
        Assert.Equal("", r.Repo.Status());
    }

    [Fact]
    public async Task CommitDependencyUpdate_SeveralChanges_OneCommitListingThemAll()
    {
        await using var r = await ColdRepo.CreateAsync();

        var result = await r.Store.CommitDependencyUpdateAsync(new DependencyUpdate(
            [new ColdChange("PR-002", ColdState.Blocked, ColdState.Ready), new ColdChange("PR-001", ColdState.Ready, ColdState.Blocked)],
            "thermocline-hub",
            "PR-003 → completed"));

        Assert.True(result.Committed);
        Assert.Equal(
            "[Dependencies] Update 2 PRs after PR-003 → completed\n\n" +
            "Cold states that follow from dependencies, changed together.\n\n" +
            "Changes:\n" +
            "- PR-002: blocked → ready\n" +
            "- PR-001: ready → blocked\n\n" +
            "Metadata:\n" +
            "- Cause: PR-003 → completed\n" +
            "- Agent: thermocline-hub\n" +
            "- Timestamp: 2025-11-14T10:30:00Z\n",
            r.Message());
        var expected = TestTaskList.With(TestTaskList.With(TestTaskList.Text, "PR-002", "blocked", "ready"), "PR-001", "ready", "blocked");
        Assert.Equal(expected, r.HeadTaskList());
        Assert.Equal("", r.Repo.Status());
        var history = await r.Store.GetHistoryAsync();
        Assert.Equal(["PR-002", "PR-001"], history.Select(m => m.PrId));
        Assert.All(history, m => Assert.Equal(MilestoneKind.Dependency, m.Kind));
        Assert.All(history, m => Assert.Equal(result.Sha, m.Sha));
    }

    [Fact]
    public async Task CommitDependencyUpdate_OneChangeNoLongerMatchesGit_NothingCommitted()
    {
        await using var r = await ColdRepo.CreateAsync();
        var head = r.Repo.Head();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitDependencyUpdateAsync(new DependencyUpdate(
            [new ColdChange("PR-002", ColdState.Blocked, ColdState.Ready), new ColdChange("PR-003", ColdState.New, ColdState.Blocked)],
            "thermocline-hub",
            "start-up")));

        Assert.Equal(ErrorKind.LeaseConflict, ex.Kind);
        Assert.Contains("PR-003", ex.Message, StringComparison.Ordinal);
        Assert.Equal(head, r.Repo.Head());
        Assert.Equal(TestTaskList.Text, r.Repo.ReadFile(ColdRepo.Path));
    }

    [Fact]
    public async Task CommitDependencyUpdate_SamePrTwiceOrDisallowedChange_RefusedBeforeGit()
    {
        await using var r = await ColdRepo.CreateAsync();

        var twice = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitDependencyUpdateAsync(new DependencyUpdate(
            [new ColdChange("PR-002", ColdState.Blocked, ColdState.Ready), new ColdChange("PR-002", ColdState.Ready, ColdState.Blocked)], "hub", "x")));
        var disallowed = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitDependencyUpdateAsync(new DependencyUpdate(
            [new ColdChange("PR-003", ColdState.Completed, ColdState.Ready)], "hub", "x")));

        Assert.Equal(ErrorKind.Usage, twice.Kind);
        Assert.Equal(ErrorKind.InvalidTransition, disallowed.Kind);
    }
}
