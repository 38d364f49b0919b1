using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;

namespace Thermocline.HotStore.Tests.Contract;

public abstract partial class HotStoreContract
{
    [Fact]
    public async Task ClaimAsync_ReadyPr_ReturnsLeaseAndPrIsHot()
    {
        var store = await NewStoreAsync();

        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);

        var snapshot = await store.GetAsync("PR-005", Ct);
        Assert.Equal(1, lease.Fence);
        Assert.Equal(HotState.InProgress, snapshot.HotState);
        Assert.Equal(ColdState.Ready, snapshot.ColdState);
        Assert.Equal("agent-1", snapshot.Agent);
        Assert.Equal(lease.Fence, snapshot.Fence);
        Assert.Equal(Time.GetUtcNow(), snapshot.LastHeartbeat);
        Assert.InRange(snapshot.ExpiresIn!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.Equal(WorkState.Of(HotState.InProgress), snapshot.EffectiveState);
    }

    [Fact]
    public async Task ClaimAsync_HeldPr_ThrowsLeaseConflictNamingHolder()
    {
        var store = await NewStoreAsync();
        await store.ClaimAsync("PR-005", "agent-1", HotState.Investigating, ColdState.Ready, Ct);

        var e = await RefusedAsync(ErrorKind.LeaseConflict, () => store.ClaimAsync("PR-005", "agent-2", HotState.InProgress, ColdState.Ready, Ct));

        Assert.Contains("agent-1", e.Message, StringComparison.Ordinal);
        Assert.Contains("investigating", e.Message, StringComparison.Ordinal);
        Assert.Equal("agent-1", (await store.GetAsync("PR-005", Ct)).Agent);
    }

    [Fact]
    public async Task ClaimAsync_ColdStateDisallowsTarget_ThrowsInvalidTransitionAndWritesNothing()
    {
        var store = await NewStoreAsync();

        await RefusedAsync(ErrorKind.InvalidTransition, () => store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Completed, Ct));

        var snapshot = await store.GetAsync("PR-005", Ct);
        Assert.Null(snapshot.HotState);
        Assert.Null(snapshot.ColdState);
    }

    [Fact]
    public async Task ClaimAsync_CachedColdStateMovedOn_ThrowsLeaseConflict()
    {
        var store = await NewStoreAsync();
        await store.SetColdStateAsync("PR-005", ColdState.Completed, Ct);

        var e = await RefusedAsync(ErrorKind.LeaseConflict, () => store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct));

        Assert.Contains("completed", e.Message, StringComparison.Ordinal);
        Assert.False((await store.GetAsync("PR-005", Ct)).IsHot);
    }

    [Fact]
    public async Task ClaimAsync_NoCachedColdState_CachesTheExpectedOne()
    {
        var store = await NewStoreAsync();

        await store.ClaimAsync("PR-005", "agent-1", HotState.UnderReview, ColdState.Completed, Ct);

        Assert.Equal(ColdState.Completed, (await store.GetAsync("PR-005", Ct)).ColdState);
    }

    [Theory]
    [InlineData("PR-{5}", "agent-1")]
    [InlineData("PR-005", "agent one")]
    [InlineData("pr:x", "agent-1")]
    [InlineData("PR-005", "agent\n-1")]
    public async Task ClaimAsync_InvalidIds_ThrowsUsageBeforeReachingRedis(string prId, string agent)
    {
        var store = await NewStoreAsync();

        await RefusedAsync(ErrorKind.Usage, () => store.ClaimAsync(prId, agent, HotState.InProgress, ColdState.Ready, Ct));

        Assert.Empty(await store.ListHotAsync(Ct));
    }

    [Fact]
    public async Task ClaimAsync_AfterRelease_FenceGrows()
    {
        var store = await NewStoreAsync();
        var first = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        await store.ReleaseAsync("PR-005", first, Ct);

        var second = await store.ClaimAsync("PR-005", "agent-2", HotState.Investigating, ColdState.Ready, Ct);

        Assert.Equal(first.Fence + 1, second.Fence);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task ClaimAsync_64ConcurrentClaimersFor200Rounds_ExactlyOneWinnerEachRound()
    {
        var store = await NewStoreAsync();
        var winnersPerRound = new List<int>();
        var fences = new List<long>();
        for (var round = 0; round < 200; round++)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var claims = Enumerable.Range(0, 64).Select(async i =>
            {
                await gate.Task;
                try
                {
                    return await store.ClaimAsync("PR-007", $"agent-{i}", HotState.InProgress, ColdState.Ready, Ct);
                }
                catch (ThermoclineException e) when (e.Kind == ErrorKind.LeaseConflict)
                {
                    return null;
                }
            }).ToList();
            gate.SetResult();
            var leases = (await Task.WhenAll(claims)).OfType<Lease>().ToList();
            winnersPerRound.Add(leases.Count);
            fences.AddRange(leases.Select(l => l.Fence));
            foreach (var lease in leases)
            {
                await store.ReleaseAsync("PR-007", lease, Ct);
            }
        }

        Assert.All(winnersPerRound, count => Assert.Equal(1, count));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), fences);
    }

    [Fact]
    public async Task ClaimAsync_FenceFloorAboveTheCounter_FenceAboveTheFloorEvenAfterAWipe()
    {
        var store = await NewStoreAsync();
        var first = await store.ClaimAsync("PR-005", "agent-1", HotState.Investigating, ColdState.Ready, Ct);
        await store.ReleaseAsync("PR-005", first, Ct);

        // What a wiped Redis looks like to this PR: no counter. The floor the caller keeps still holds.
        store.FenceFloor = 40;
        await using (var raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            await raw.GetDatabase().KeyDeleteAsync(store.Keys.For("PR-005").Fence);
        }

        var next = await store.ClaimAsync("PR-005", "agent-2", HotState.Investigating, ColdState.Ready, Ct);

        Assert.Equal(41, next.Fence);
        await store.ReleaseAsync("PR-005", next, Ct);
        Assert.Equal(42, (await store.ClaimAsync("PR-005", "agent-3", HotState.Investigating, ColdState.Ready, Ct)).Fence);
    }

    [Fact]
    public async Task FenceFloor_SetLower_NeverLowered()
    {
        var store = await NewStoreAsync();
        store.FenceFloor = 40;

        store.FenceFloor = 10;

        Assert.Equal(40, store.FenceFloor);
        Assert.Equal(41, (await store.ClaimAsync("PR-006", "agent-1", HotState.Investigating, ColdState.Ready, Ct)).Fence);
    }

    [Fact]
    public async Task SeedFenceAsync_FloorAboveCounter_NextClaimIsAboveFloor()
    {
        var store = await NewStoreAsync();

        var seeded = await store.SeedFenceAsync("PR-005", 41, Ct);
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);

        Assert.Equal(41, seeded);
        Assert.Equal(42, lease.Fence);
    }

    [Fact]
    public async Task SeedFenceAsync_FloorBelowCounter_NeverLowersIt()
    {
        var store = await NewStoreAsync();
        await store.SeedFenceAsync("PR-005", 10, Ct);

        var seeded = await store.SeedFenceAsync("PR-005", 3, Ct);
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);

        Assert.Equal(10, seeded);
        Assert.Equal(11, lease.Fence);
    }
}
