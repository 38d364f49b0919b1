using System.Diagnostics;
using System.Globalization;

namespace Thermocline.Testing;

/// <summary>
/// A real Redis Cluster on loopback: <c>2 × masters</c> redis-server processes started with <c>--cluster-enabled yes</c>
/// (each a <see cref="RedisServer"/> in its own temporary directory, on a port whose bus port +10000 is free too), joined
/// by <c>redis-cli --cluster create … --cluster-replicas 1</c>, every master with one replica. A short node timeout
/// (<see cref="NodeTimeout"/>) makes a killed master's replica take over within a few seconds. Disposing kills every
/// node by PID and deletes the directories; an aborted test run's nodes are reaped like any <see cref="RedisServer"/>.
/// Without redis-server or redis-cli installed, <see cref="StartAsync"/> throws: tests fail rather than skip.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    /// <summary>How long a node may be unreachable before the others mark it failed and its replica is promoted.</summary>
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromMilliseconds(1_000);

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServer> _nodes;

    private RedisCluster(List<RedisServer> nodes, IReadOnlyList<RedisServer> masters)
    {
        _nodes = nodes;
        ConnectionString = string.Join(",", masters.Select(m => m.ConnectionString));
    }

    /// <summary>Every node, masters and replicas, running or killed.</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>A StackExchange.Redis connection string: the endpoints of the masters the cluster was created with.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts <paramref name="masters"/> masters (at least 3, as Redis requires) with one replica each, and waits until every node says <c>cluster_state:ok</c>.</summary>
    public static async Task<RedisCluster> StartAsync(int masters = 3, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(masters, 3);
        var nodes = new List<RedisServer>();
        try
        {
            var setup = new RedisServerSetup
            {
                ClusterBus = true,
                Arguments = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", ((int)NodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),

                    // A replica's first sync at once, not after the default 5 s wait for more replicas: a replica that
                    // never synced refuses to take over ("disconnected from master for longer than allowed").
                    "--repl-diskless-sync-delay", "0"],
            };
            nodes.AddRange(await Task.WhenAll(Enumerable.Range(0, 2 * masters).Select(_ => RedisServer.StartAsync(setup, cancellationToken))));

            // The first `masters` endpoints become masters, the others their replicas (redis-cli's rule).
            var create = await RedisCli.RunAsync(
                [.. "--cluster create".Split(' '), .. nodes.Select(n => n.ConnectionString), "--cluster-replicas", "1", "--cluster-yes"], cancellationToken);
            if (!create.Contains("All 16384 slots covered", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"redis-cli --cluster create did not cover every slot: {create}");
            }

            var cluster = new RedisCluster(nodes, nodes.Take(masters).ToList());
            await cluster.WaitUntilSettledAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The cluster's view, as a running node tells it (<c>CLUSTER NODES</c>).</summary>
    public async Task<IReadOnlyList<ClusterNodeState>> ReadNodesAsync(CancellationToken cancellationToken = default)
    {
        var any = _nodes.FirstOrDefault(n => n.IsRunning) ?? throw new InvalidOperationException("no cluster node runs");
        var text = await RedisCli.RunAsync(["-p", any.Port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "NODES"], cancellationToken);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ClusterNodeState.Parse).ToList();
    }

    /// <summary>The running master that serves <paramref name="key"/>'s slot now.</summary>
    public async Task<RedisServer> MasterOfAsync(string key, CancellationToken cancellationToken = default)
    {
        var any = _nodes.First(n => n.IsRunning);
        var slot = int.Parse(
            await RedisCli.RunAsync(["-p", any.Port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "KEYSLOT", key], cancellationToken),
            CultureInfo.InvariantCulture);
        var master = (await ReadNodesAsync(cancellationToken)).Single(n => n.IsMaster && !n.IsFailed && n.Serves(slot));
        return _nodes.Single(n => n.Port == master.Port);
    }

    /// <summary>
    /// Kills the master serving <paramref name="key"/> (SIGKILL, no shutdown) and returns it; its replica has everything
    /// replicated so far, nothing after.
    /// </summary>
    public async Task<RedisServer> KillMasterOfAsync(string key, CancellationToken cancellationToken = default)
    {
        var master = await MasterOfAsync(key, cancellationToken);
        await master.KillAsync();
        return master;
    }

    /// <summary>
    /// Waits until a running node is master of every slot <paramref name="killed"/> served (its replica was promoted) and
    /// every running node says <c>cluster_state:ok</c>; returns how long that took from the call.
    /// </summary>
    public async Task<TimeSpan> WaitForPromotionAsync(RedisServer killed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(killed);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var nodes = await ReadNodesAsync(cancellationToken);
            var live = nodes.Where(n => n.IsMaster && !n.IsFailed && n.Port != killed.Port && _nodes.Any(s => s.Port == n.Port && s.IsRunning)).ToList();
            if (live.Sum(n => n.SlotCount) == 16_384 && await AllSayOkAsync(cancellationToken))
            {
                return watch.Elapsed;
            }

            if (watch.Elapsed > SettleTimeout)
            {
                throw new TimeoutException(
                    $"no replica took over from the master on port {killed.Port} within {SettleTimeout}; the cluster says: {string.Join(" | ", nodes)}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Starts a killed node again on its port and directory (its nodes.conf kept): it rejoins, as a replica of whoever took over.</summary>
    public async Task RejoinAsync(RedisServer node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        await node.RestartAsync(cancellationToken);
        await WaitUntilSettledAsync(cancellationToken);
    }

    /// <summary>Kills every node and deletes their directories.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task WaitUntilSettledAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!await AllSayOkAsync(cancellationToken) || (await ReadNodesAsync(cancellationToken)).Count(n => !n.IsFailed && n.IsConnected) < _nodes.Count(n => n.IsRunning))
        {
            if (watch.Elapsed > SettleTimeout)
            {
                throw new TimeoutException($"the cluster on ports {string.Join(",", _nodes.Select(n => n.Port))} did not reach cluster_state:ok on every node within {SettleTimeout}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    // Every running node says cluster_state:ok, and every replica's link to its master is up (it has synced once).
    private async Task<bool> AllSayOkAsync(CancellationToken cancellationToken)
    {
        foreach (var node in _nodes.Where(n => n.IsRunning))
        {
            var port = node.Port.ToString(CultureInfo.InvariantCulture);
            var info = await RedisCli.RunAsync(["-p", port, "CLUSTER", "INFO"], cancellationToken);
            var replication = await RedisCli.RunAsync(["-p", port, "INFO", "replication"], cancellationToken);
            if (!info.Contains("cluster_state:ok", StringComparison.Ordinal)
                || (replication.Contains("role:slave", StringComparison.Ordinal) && !replication.Contains("master_link_status:up", StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}
