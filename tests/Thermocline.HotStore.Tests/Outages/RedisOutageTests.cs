using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.HotStore.Connection;
using Thermocline.HotStore.Queueing;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Outages;

/// <summary>Redis going away and coming back, on a redis-server of each test's own (it gets killed).</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private static readonly ColdState[] Cycle = [ColdState.New, ColdState.Ready, ColdState.Blocked, ColdState.Planned];
    private RedisServer _redis = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(appendOnly: true);

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task HotUpdates_RedisKilledAndRestartedMidRun_QueuedUpdatesLandOnceInOrder()
    {
        await using var store = await ConnectAsync();
        await store.SetColdStateAsync("PR-100", ColdState.Ready, Ct);
        var lease = await store.ClaimAsync("PR-100", "agent-1", HotState.Investigating, ColdState.Ready, Ct);
        var results = new List<HotWriteResult>();
        const int Steps = 300;

        for (var i = 0; i < Steps; i++)
        {
            if (i == Steps / 3)
            {
                await _redis.KillAsync();
                await Eventually.TrueAsync(() => store.IsDegraded, "the store noticed the outage");
            }

            if (i == 2 * Steps / 3)
            {
                await _redis.RestartAsync();
            }

            // Each PR is written several times; only the last value may survive, so a replayed update landing after a
            // newer one (a duplicate out of order) would show.
            results.Add(await store.SetColdStateAsync(TaskListGenerator.Id(i % 50), Cycle[i % Cycle.Length], Ct));
            results.Add(await store.HeartbeatAsync("PR-100", lease, Ct));
            if (i == Steps / 2)
            {
                results.Add(await store.TransitionHotAsync("PR-100", lease, HotState.Planning, Ct));
            }
        }

        await Eventually.TrueAsync(() => !store.IsDegraded, "the store recovered and drained its queue");

        Assert.Contains(HotWriteResult.Queued, results);
        Assert.Contains(HotWriteResult.Applied, results);
        Assert.Equal(results.Count(r => r == HotWriteResult.Queued), store.TotalQueuedUpdates);
        Assert.Equal(store.TotalQueuedUpdates, store.TotalReplayedUpdates);
        var snapshots = await store.GetManyAsync(Enumerable.Range(0, 50).Select(TaskListGenerator.Id).ToList(), Ct);
        for (var p = 0; p < 50; p++)
        {
            var lastStep = Enumerable.Range(0, Steps).Last(i => i % 50 == p);
            Assert.Equal(Cycle[lastStep % Cycle.Length], snapshots[p].ColdState);
        }

        var held = await store.GetAsync("PR-100", Ct);
        Assert.Equal(HotState.Planning, held.HotState);
        Assert.Equal(lease.Fence, held.Fence);
        Assert.Equal(HotState.Planning, await store.VerifyLeaseAsync("PR-100", lease, Ct));
    }

    [Fact]
    public async Task ClaimAsync_RedisDown_FailsFastAsUnavailable()
    {
        await using var store = await ConnectAsync();
        await _redis.KillAsync();
        await Eventually.TrueAsync(() => store.IsDegraded, "the store noticed the outage");

        var e = await Assert.ThrowsAsync<ThermoclineException>(() => store.ClaimAsync("PR-001", "agent-1", HotState.InProgress, ColdState.Ready, Ct));
        var read = await Assert.ThrowsAsync<ThermoclineException>(() => store.ListHotAsync(Ct));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Equal(ErrorKind.Unavailable, read.Kind);
        Assert.Contains(_redis.ConnectionString, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetColdStateAsync_QueueFull_ThrowsUnavailableAndKeepsQueued()
    {
        await using var store = await ConnectAsync(maxQueued: 3);
        await _redis.KillAsync();
        await Eventually.TrueAsync(() => store.IsDegraded, "the store noticed the outage");
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HotWriteResult.Queued, await store.SetColdStateAsync(TaskListGenerator.Id(i), ColdState.Ready, Ct));
        }

        var e = await Assert.ThrowsAsync<ThermoclineException>(() => store.SetColdStateAsync(TaskListGenerator.Id(4), ColdState.Ready, Ct));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Equal(3, store.QueuedUpdates);
        await _redis.RestartAsync();
        await Eventually.TrueAsync(() => !store.IsDegraded, "the queue drained");
        var snapshots = await store.GetManyAsync([TaskListGenerator.Id(3), TaskListGenerator.Id(4)], Ct);
        Assert.Equal(ColdState.Ready, snapshots[0].ColdState);
        Assert.Null(snapshots[1].ColdState);
    }

    [Fact]
    public async Task ConnectAsync_RedisNotRunning_StartsDegradedAndRecoversWhenItComes()
    {
        await _redis.KillAsync();
        await using var store = await ConnectAsync();
        Assert.True(store.IsDegraded);
        Assert.Equal(HotWriteResult.Queued, await store.SetColdStateAsync("PR-001", ColdState.Blocked, Ct));

        await _redis.RestartAsync();
        await Eventually.TrueAsync(() => !store.IsDegraded, "the store connected and drained its queue");

        Assert.Equal(ColdState.Blocked, (await store.GetAsync("PR-001", Ct)).ColdState);
    }

    private Task<RedisHotStore> ConnectAsync(int maxQueued = 10_000) => RedisHotStore.ConnectAsync(
        new HotStoreOptions
        {
            ConnectionString = _redis.ConnectionString,
            KeyPrefix = $"t{Guid.NewGuid():N}:",
            OperationTimeout = TimeSpan.FromSeconds(2),
            ReplayInterval = TimeSpan.FromMilliseconds(50),
            MaxQueuedUpdates = maxQueued,
        },
        TimeProvider.System,
        null,
        Ct);
}
