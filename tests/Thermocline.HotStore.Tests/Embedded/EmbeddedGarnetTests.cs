using Thermocline.Domain.States;
using Thermocline.HotStore.Connection;
using Thermocline.HotStore.Embedded;

namespace Thermocline.HotStore.Tests.Embedded;

public sealed class EmbeddedGarnetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "thermocline-garnet-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_WithDataDirectory_HotStateAndFenceSurviveRestart()
    {
        long fence;
        await using (var garnet = await EmbeddedGarnet.StartAsync(new EmbeddedGarnetOptions { DataDirectory = _dir }, null, Ct))
        await using (var store = await ConnectAsync(garnet))
        {
            fence = (await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct)).Fence;
        }

        await using var again = await EmbeddedGarnet.StartAsync(new EmbeddedGarnetOptions { DataDirectory = _dir }, null, Ct);
        await using var reopened = await ConnectAsync(again);
        var snapshot = await reopened.GetAsync("PR-005", Ct);

        Assert.True(Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories).Any());
        Assert.Equal(HotState.InProgress, snapshot.HotState);
        Assert.Equal("agent-1", snapshot.Agent);
        Assert.Equal(fence, snapshot.Fence);
    }

    [Fact]
    public async Task StartAsync_TwoInstances_ListenOnDifferentFreePorts()
    {
        await using var first = await EmbeddedGarnet.StartAsync(null, null, Ct);
        await using var second = await EmbeddedGarnet.StartAsync(null, null, Ct);
        await using var store = await ConnectAsync(second);

        await store.SetColdStateAsync("PR-001", ColdState.Ready, Ct);

        Assert.NotEqual(first.Port, second.Port);
        Assert.Null(first.DataDirectory);
        Assert.Equal(ColdState.Ready, (await store.GetAsync("PR-001", Ct)).ColdState);
    }

    private static Task<RedisHotStore> ConnectAsync(EmbeddedGarnet garnet) =>
        RedisHotStore.ConnectAsync(new HotStoreOptions { ConnectionString = garnet.ConnectionString }, null, null, Ct);
}
