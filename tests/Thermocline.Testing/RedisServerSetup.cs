namespace Thermocline.Testing;

/// <summary>How <see cref="RedisServer.StartAsync(RedisServerSetup, CancellationToken)"/> runs a redis-server.</summary>
public sealed record RedisServerSetup
{
    /// <summary>Fsync every write to an append-only file, so a kill and restart keeps acknowledged data (default off).</summary>
    public bool AppendOnly { get; init; }

    /// <summary>Pick a port whose cluster-bus port (+10000) is free as well, below 55535: for <c>--cluster-enabled yes</c>.</summary>
    public bool ClusterBus { get; init; }

    /// <summary>Run as a sentinel: no persistence switches, which a sentinel refuses; needs <see cref="ConfigFile"/>.</summary>
    public bool Sentinel { get; init; }

    /// <summary>The text of a config file passed first (a sentinel must have one it can rewrite), given the chosen port.</summary>
    public Func<int, string>? ConfigFile { get; init; }

    /// <summary>More arguments, after the port, directory and persistence switches.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}
