using System.Diagnostics;
using System.Globalization;

namespace Thermocline.Testing;

/// <summary>
/// A real Redis Sentinel setup on loopback: one master, one replica of it, and three sentinels
/// (<c>redis-server CONFIG --sentinel</c>, each with a generated config it may rewrite) watching the master as
/// <see cref="ServiceName"/>, quorum 2, a master unreachable for <see cref="DownAfter"/> counted as down. Each process is a
/// <see cref="RedisServer"/>: killed by PID on dispose, reaped if the test run is aborted.
/// Without redis-server or redis-cli installed, <see cref="StartAsync"/> throws: tests fail rather than skip.
/// </summary>
public sealed class RedisSentinel : IAsyncDisposable
{
    /// <summary>The name the sentinels know the master by.</summary>
    public const string ServiceName = "mymaster";

    /// <summary>How long the master may be unreachable before the sentinels call it down.</summary>
    public static readonly TimeSpan DownAfter = TimeSpan.FromMilliseconds(1_000);

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServer> _data;
    private readonly List<RedisServer> _sentinels;

    private RedisSentinel(List<RedisServer> data, List<RedisServer> sentinels)
    {
        _data = data;
        _sentinels = sentinels;
    }

    /// <summary>The master and the replica, in the order they started (the first was master at start).</summary>
    public IReadOnlyList<RedisServer> DataNodes => _data;

    /// <summary>The three sentinels.</summary>
    public IReadOnlyList<RedisServer> Sentinels => _sentinels;

    /// <summary>A StackExchange.Redis connection string: the sentinels' endpoints and <c>serviceName=mymaster</c>.</summary>
    public string ConnectionString => string.Join(",", _sentinels.Select(s => s.ConnectionString)) + ",serviceName=" + ServiceName;

    /// <summary>Starts master, replica and sentinels, and waits until the replica synced and every sentinel knows both and its peers.</summary>
    public static async Task<RedisSentinel> StartAsync(CancellationToken cancellationToken = default)
    {
        var started = new List<RedisServer>();
        try
        {
            var replication = new RedisServerSetup { Arguments = ["--repl-diskless-sync-delay", "0"] };
            var master = await RedisServer.StartAsync(replication, cancellationToken);
            started.Add(master);
            var replica = await RedisServer.StartAsync(
                replication with { Arguments = [.. replication.Arguments, "--replicaof", "127.0.0.1", master.Port.ToString(CultureInfo.InvariantCulture)] },
                cancellationToken);
            started.Add(replica);
            var watch = new RedisServerSetup
            {
                Sentinel = true,
                ConfigFile = port => string.Join('\n',
                    $"port {port}",
                    $"sentinel monitor {ServiceName} 127.0.0.1 {master.Port} 2",
                    $"sentinel down-after-milliseconds {ServiceName} {(int)DownAfter.TotalMilliseconds}",
                    $"sentinel failover-timeout {ServiceName} 5000",
                    $"sentinel parallel-syncs {ServiceName} 1",
                    ""),
                Arguments = ["--sentinel"],
            };
            var sentinels = (await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RedisServer.StartAsync(watch, cancellationToken)))).ToList();
            started.AddRange(sentinels);
            var setup = new RedisSentinel([master, replica], sentinels);
            await setup.WaitUntilSettledAsync(cancellationToken);
            return setup;
        }
        catch
        {
            foreach (var server in started)
            {
                await server.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The port of the master, as the first running sentinel tells it.</summary>
    public async Task<int> MasterPortAsync(CancellationToken cancellationToken = default)
    {
        var sentinel = _sentinels.First(s => s.IsRunning);
        var answer = await RedisCli.RunAsync(
            ["-p", sentinel.Port.ToString(CultureInfo.InvariantCulture), "SENTINEL", "get-master-addr-by-name", ServiceName], cancellationToken);
        return int.Parse(answer.Split('\n', StringSplitOptions.TrimEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Asks a sentinel to fail over (<c>SENTINEL FAILOVER mymaster</c>: the replica is promoted, the old master made its
    /// replica) and waits until the sentinels name the new master and it answers as master; returns the new master's port.
    /// </summary>
    public async Task<int> FailoverAsync(CancellationToken cancellationToken = default)
    {
        var before = await MasterPortAsync(cancellationToken);
        await RedisCli.RunAsync(["-p", _sentinels[0].Port.ToString(CultureInfo.InvariantCulture), "SENTINEL", "FAILOVER", ServiceName], cancellationToken);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var now = await MasterPortAsync(cancellationToken);
            if (now != before && (await RoleAsync(now, cancellationToken)) == "master")
            {
                return now;
            }

            if (watch.Elapsed > SettleTimeout)
            {
                throw new TimeoutException($"the sentinels did not fail over from port {before} within {SettleTimeout}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Kills everything and deletes the directories.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _sentinels.Concat(_data))
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<string> RoleAsync(int port, CancellationToken cancellationToken)
    {
        var replication = await RedisCli.RunAsync(["-p", port.ToString(CultureInfo.InvariantCulture), "INFO", "replication"], cancellationToken);
        return replication.Split('\n', StringSplitOptions.TrimEntries).First(l => l.StartsWith("role:", StringComparison.Ordinal))[5..];
    }

    private async Task WaitUntilSettledAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var replication = await RedisCli.RunAsync(["-p", _data[1].Port.ToString(CultureInfo.InvariantCulture), "INFO", "replication"], cancellationToken);
            var settled = replication.Contains("master_link_status:up", StringComparison.Ordinal);
            foreach (var sentinel in _sentinels)
            {
                var master = await RedisCli.RunAsync(
                    ["-p", sentinel.Port.ToString(CultureInfo.InvariantCulture), "SENTINEL", "master", ServiceName], cancellationToken);
                var fields = master.Split('\n', StringSplitOptions.TrimEntries);
                settled &= Field(fields, "num-slaves") >= 1 && Field(fields, "num-other-sentinels") >= 2;
            }

            if (settled)
            {
                return;
            }

            if (watch.Elapsed > SettleTimeout)
            {
                throw new TimeoutException($"the sentinels on ports {string.Join(",", _sentinels.Select(s => s.Port))} did not find the replica and each other within {SettleTimeout}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    // redis-cli prints a sentinel's map as alternating lines: name, value.
    private static int Field(string[] lines, string name)
    {
        var at = Array.IndexOf(lines, name);
        return at >= 0 && at + 1 < lines.Length && int.TryParse(lines[at + 1], CultureInfo.InvariantCulture, out var value) ? value : -1;
    }
}
