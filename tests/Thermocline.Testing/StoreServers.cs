using Thermocline.HotStore.Embedded;
using Xunit;

namespace Thermocline.Testing;

/// <summary>A Redis-compatible server a shared test suite runs against.</summary>
public interface IStoreServer
{
    /// <summary>A connection string for it.</summary>
    string ConnectionString { get; }
}

/// <summary>One real redis-server per test class, killed by PID at the end; every test works under its own key prefix (never FLUSHALL).</summary>
public sealed class RedisServerFixture : IStoreServer, IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The server, for tests that kill or restart it.</summary>
    public RedisServer Server => _server ?? throw new InvalidOperationException("not started");

    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>One embedded Garnet per test class, exactly as the hub starts it.</summary>
public sealed class GarnetFixture : IStoreServer, IAsyncLifetime
{
    private EmbeddedGarnet? _garnet;

    public string ConnectionString => _garnet?.ConnectionString ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _garnet = await EmbeddedGarnet.StartAsync(null, null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_garnet is not null)
        {
            await _garnet.DisposeAsync();
        }
    }
}

/// <summary>One real Redis Cluster (3 masters, 3 replicas) per test class, every node killed by PID at the end.</summary>
public sealed class RedisClusterFixture : IStoreServer, IAsyncLifetime
{
    private RedisCluster? _cluster;

    /// <summary>The cluster, for tests that kill a master.</summary>
    public RedisCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public string ConnectionString => Cluster.ConnectionString;

    public async Task InitializeAsync() => _cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
