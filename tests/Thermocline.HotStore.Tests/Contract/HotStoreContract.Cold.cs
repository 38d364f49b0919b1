using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

public abstract partial class HotStoreContract
{
    // PR-n depends on PR-(n-1) when n is even.
    private static IEnumerable<int> EveryOther(int i) => i % 2 == 0 ? [i - 1] : [];

    [Fact]
    public async Task HydrateAsync_ParsedTaskList_CachesEveryColdStateAndDependencySet()
    {
        var store = await NewStoreAsync();
        var list = TaskList.Parse(TaskListGenerator.Uniform(2_500, _ => "blocked", EveryOther));
        Assert.False(list.HasErrors);

        await store.HydrateAsync(list.Prs, Ct);

        var ids = list.Prs.Select(p => p.Id).ToList();
        var snapshots = await store.GetManyAsync(ids, Ct);
        Assert.All(snapshots, s => Assert.Equal(ColdState.Blocked, s.ColdState));
        Assert.Equal(["PR-1999"], await store.GetDependenciesAsync("PR-2000", Ct));
        Assert.Empty(await store.GetDependenciesAsync("PR-2001", Ct));
    }

    [Fact]
    public async Task HydrateAsync_AgainWithChangedList_ReplacesColdStatesAndDependencies()
    {
        var store = await NewStoreAsync();
        await store.HydrateAsync(TaskList.Parse(TaskListGenerator.Uniform(4, _ => "new", EveryOther)).Prs, Ct);
        var changed = TaskListGenerator.Uniform(4, _ => "ready", EveryOther).Replace("dependencies: [PR-003]", "dependencies: [PR-001, PR-002]", StringComparison.Ordinal);

        await store.HydrateAsync(TaskList.Parse(changed).Prs, Ct);

        Assert.Equal(["PR-001", "PR-002"], await store.GetDependenciesAsync("PR-004", Ct));
        Assert.Equal(ColdState.Ready, (await store.GetAsync("PR-003", Ct)).ColdState);
    }

    [Fact]
    public async Task HydrateAsync_HotPr_LeavesHotStateAlone()
    {
        var store = await NewStoreAsync();
        await store.ClaimAsync("PR-001", "agent-1", HotState.InProgress, ColdState.Ready, Ct);

        await store.HydrateAsync(TaskList.Parse(TaskListGenerator.Uniform(3, _ => "ready", EveryOther)).Prs, Ct);

        Assert.Equal(HotState.InProgress, (await store.GetAsync("PR-001", Ct)).HotState);
    }

    [Fact]
    public async Task ClearOrphansAsync_PrsGitDoesNotHave_AreDeletedOthersKept()
    {
        var store = await NewStoreAsync();
        await store.HydrateAsync(TaskList.Parse(TaskListGenerator.Uniform(4, _ => "ready", EveryOther)).Prs, Ct);
        await store.ClaimAsync("PR-004", "agent-4", HotState.InProgress, ColdState.Ready, Ct);
        await store.ClaimAsync("PR-002", "agent-2", HotState.InProgress, ColdState.Ready, Ct);
        await store.ClaimAsync("PR-077", "agent-7", HotState.InProgress, ColdState.Ready, Ct);

        var removed = await store.ClearOrphansAsync(new HashSet<string> { "PR-001", "PR-002", "PR-003" }, Ct);

        Assert.Equal(["PR-004", "PR-077"], removed);
        var snapshots = await store.GetManyAsync(["PR-001", "PR-002", "PR-004", "PR-077"], Ct);
        Assert.Equal(ColdState.Ready, snapshots[0].ColdState);
        Assert.True(snapshots[1].IsHot);
        Assert.Null(snapshots[2].EffectiveState);
        Assert.Null(snapshots[3].EffectiveState);
        Assert.Equal(["PR-002"], (await store.ListHotAsync(Ct)).Select(s => s.PrId));
        Assert.Empty(await store.ClearOrphansAsync(new HashSet<string> { "PR-001", "PR-002", "PR-003" }, Ct));
    }

    [Fact]
    public async Task MarkHubRunningAsync_StartedTwiceWithoutStop_ReportsCrash()
    {
        var store = await NewStoreAsync();
        await store.HydrateAsync(TaskList.Parse(TaskListGenerator.Uniform(1, _ => "ready", EveryOther)).Prs, Ct);

        var first = await store.MarkHubRunningAsync(Ct);
        var second = await store.MarkHubRunningAsync(Ct);
        await store.MarkHubStoppedAsync(Ct);
        var afterCleanStop = await store.MarkHubRunningAsync(Ct);

        Assert.False(first);
        Assert.True(second);
        Assert.False(afterCleanStop);
    }

    [Fact]
    public async Task MarkHubRunningAsync_EmptyRedis_AsksForRecovery()
    {
        var store = await NewStoreAsync();

        Assert.True(await store.MarkHubRunningAsync(Ct));
    }

    [Fact]
    public async Task HoldsNoPrsAsync_EmptyThenHydratedThenHot_TrueOnlyWhileEmpty()
    {
        var store = await NewStoreAsync();
        var empty = await store.HoldsNoPrsAsync(Ct);
        await store.MarkHubRunningAsync(Ct); // the marks are not PRs
        var marked = await store.HoldsNoPrsAsync(Ct);

        await store.HydrateAsync(TaskList.Parse(TaskListGenerator.Uniform(2, _ => "ready", EveryOther)).Prs, Ct);
        var hydrated = await store.HoldsNoPrsAsync(Ct);

        Assert.True(empty);
        Assert.True(marked);
        Assert.False(hydrated);
    }

    [Fact]
    public async Task SetLastDisplayUpdateAsync_Written_ReadsBack()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetLastDisplayUpdateAsync(Ct));

        await store.SetLastDisplayUpdateAsync(Time.GetUtcNow(), Ct);

        Assert.Equal(Time.GetUtcNow(), await store.GetLastDisplayUpdateAsync(Ct));
    }
}
