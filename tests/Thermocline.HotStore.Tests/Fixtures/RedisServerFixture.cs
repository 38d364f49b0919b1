using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Fixtures;

/// <summary>One real redis-server per test class; every test works under its own key prefix.</summary>
public sealed class RedisServerFixture : IStoreServer, IAsyncLifetime
{
    private RedisServer? _server;

    public string ConnectionString => _server?.ConnectionString ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
