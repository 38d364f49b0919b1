using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.HotStore.Connection;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Sentinel;

/// <summary>The hot store through Redis Sentinel (one master, one replica, three sentinels of this class's own), across a failover.</summary>
public sealed class RedisSentinelTests : IAsyncLifetime
{
    private RedisSentinel _sentinel = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _sentinel = await RedisSentinel.StartAsync();

    public async Task DisposeAsync() => await _sentinel.DisposeAsync();

    [Fact]
    public async Task ConnectedThroughSentinels_WorksAndKeepsWorkingAfterAFailover()
    {
        await using var store = await RedisHotStore.ConnectAsync(new HotStoreOptions
        {
            ConnectionString = _sentinel.ConnectionString,
            KeyPrefix = $"t{Guid.NewGuid():N}:",
            OperationTimeout = TimeSpan.FromSeconds(2),
            ReplayInterval = TimeSpan.FromMilliseconds(50),
        }, null, null, Ct);
        var firstMaster = await _sentinel.MasterPortAsync();
        var lease = await store.ClaimAsync("PR-1", "agent-1", HotState.Investigating, ColdState.Ready, Ct);
        await store.TransitionHotAsync("PR-1", lease, HotState.Planning, Ct);
        Assert.Equal(HotState.Planning, (await store.GetAsync("PR-1", Ct)).HotState);
        Assert.True(store.ReplicatedClaims > 0, "a claim on a replicated master waits for the replica");
        Assert.Contains(_sentinel.Sentinels[0].ConnectionString, store.Endpoint, StringComparison.Ordinal);

        var newMaster = await _sentinel.FailoverAsync();

        Assert.NotEqual(firstMaster, newMaster);
        var held = await Eventually.ReturnsAsync(
            async () =>
            {
                try
                {
                    return (HotState?)await store.VerifyLeaseAsync("PR-1", lease, Ct);
                }
                catch (ThermoclineException e) when (e.Kind == ErrorKind.Unavailable)
                {
                    return null;
                }
            },
            s => s is not null, "the store followed the sentinels to the new master", TimeSpan.FromSeconds(20));
        Assert.Equal(HotState.Planning, held);
        await store.ReleaseAsync("PR-1", lease, Ct);
        var next = await store.ClaimAsync("PR-1", "agent-2", HotState.InProgress, ColdState.Ready, Ct);
        Assert.True(next.Fence > lease.Fence);
        await Eventually.TrueAsync(() => !store.IsDegraded, "the store is healthy on the new master");
        var snapshot = await store.GetAsync("PR-1", Ct);
        Assert.Equal(("agent-2", HotState.InProgress), (snapshot.Agent, snapshot.HotState));
    }
}
