using Thermocline.Testing;

namespace Thermocline.Hub.Tests.Support;

/// <summary>One real redis-server per test class, killed by PID at the end; each test uses its own key prefix (never FLUSHALL).</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
