using Thermocline.Domain.States;

namespace Thermocline.HotStore.Tests.Contract;

public abstract partial class HotStoreContract
{
    [Fact]
    public async Task ListHotAsync_SomeHotSomeReleased_ReturnsOnlyLiveOnesById()
    {
        var store = await NewStoreAsync();
        await store.ClaimAsync("PR-003", "agent-3", HotState.Investigating, ColdState.Ready, Ct);
        await store.ClaimAsync("PR-001", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        var released = await store.ClaimAsync("PR-002", "agent-2", HotState.InProgress, ColdState.Ready, Ct);
        await store.ReleaseAsync("PR-002", released, Ct);
        await store.SetColdStateAsync("PR-004", ColdState.Ready, Ct);

        var hot = await store.ListHotAsync(Ct);

        Assert.Equal(["PR-001", "PR-003"], hot.Select(s => s.PrId));
        Assert.Equal(["agent-1", "agent-3"], hot.Select(s => s.Agent));
        Assert.Equal([HotState.InProgress, HotState.Investigating], hot.Select(s => s.HotState!.Value));
    }

    [Fact]
    public async Task ListHotAsync_OtherPrefix_IsNotSeen()
    {
        var mine = await NewStoreAsync();
        var theirs = await NewStoreAsync();
        await theirs.ClaimAsync("PR-001", "agent-1", HotState.InProgress, ColdState.Ready, Ct);

        Assert.Empty(await mine.ListHotAsync(Ct));
        Assert.Single(await theirs.ListHotAsync(Ct));
    }

    [Fact]
    public async Task SweepExpiredAsync_ExpiredAndReleased_RemovesOnlyThoseFromIndex()
    {
        var store = await NewStoreAsync(ttl: TimeSpan.FromMilliseconds(300));
        await ClaimAndLetExpireAsync(store, "PR-001", "agent-1");
        var live = await store.ClaimAsync("PR-002", "agent-2", HotState.InProgress, ColdState.Ready, Ct);

        var swept = await store.SweepExpiredAsync(Ct);
        await store.HeartbeatAsync("PR-002", live, Ct);

        Assert.Equal(["PR-001"], swept);
        Assert.Empty(await store.SweepExpiredAsync(Ct));
    }

    [Fact]
    public async Task GetManyAsync_SeveralIds_ReturnsSnapshotsInOrder()
    {
        var store = await NewStoreAsync();
        await store.SetColdStateAsync("PR-002", ColdState.Blocked, Ct);
        await store.ClaimAsync("PR-001", "agent-1", HotState.InProgress, ColdState.Planned, Ct);

        var snapshots = await store.GetManyAsync(["PR-002", "PR-001", "PR-009"], Ct);

        Assert.Equal(["PR-002", "PR-001", "PR-009"], snapshots.Select(s => s.PrId));
        Assert.Equal(WorkState.Of(ColdState.Blocked), snapshots[0].EffectiveState);
        Assert.Equal(WorkState.Of(HotState.InProgress), snapshots[1].EffectiveState);
        Assert.Null(snapshots[2].EffectiveState);
    }
}
