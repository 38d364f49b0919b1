using Thermocline.Domain.Errors;
using Thermocline.HotStore.Keys;

namespace Thermocline.HotStore.Connection;

/// <summary>
/// Settings of <see cref="RedisHotStore"/>. Each property documents its default and range;
/// <see cref="Validate"/> names the first bad property.
/// </summary>
public sealed class HotStoreOptions
{
    /// <summary>
    /// A StackExchange.Redis connection string, e.g. <c>localhost:6379,password=…,ssl=true,defaultDatabase=2</c>; for a
    /// Redis Cluster, seed nodes as a comma list (<c>10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000</c>: the rest are found);
    /// for Sentinel, the sentinels and the service (<c>10.0.0.1:26379,10.0.0.2:26379,serviceName=mymaster</c>).
    /// Required. Only its endpoints are ever logged, never a password.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Prefix of every key (default empty); see <see cref="RedisKeys.IsValidPrefix"/>.</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>How long a hot state lives after the last heartbeat (default 5 minutes; 100 ms to 1 day).</summary>
    public TimeSpan HeartbeatTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one Redis operation, or the first connection attempt, may take (default 5 s; 100 ms to 5 minutes).</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many hot updates are held while Redis is unreachable (default 10,000; 1 to 1,000,000).</summary>
    public int MaxQueuedUpdates { get; set; } = 10_000;

    /// <summary>How often queued updates are retried while Redis is unreachable (default 1 s; 10 ms to 1 minute).</summary>
    public TimeSpan ReplayInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether concurrent per-PR scripts may share one script run on a standalone server (<c>ScriptBatcher</c>; never on a
    /// cluster, whose PRs span slots). On by default; the hot benchmark measures both, the cluster benchmark a cluster
    /// (unbatched) next to a standalone server.
    /// </summary>
    public bool ScriptBatching { get; set; } = true;

    /// <summary>
    /// How long a claim waits for one replica of its master to have it (<c>WAIT 1</c>) on a Redis Cluster or a replicated
    /// master (Sentinel), so that a failover cannot lose an acknowledged lease (default 500 ms; zero turns the wait off;
    /// 0 to 5 minutes, and never longer than <see cref="OperationTimeout"/>). A standalone server, Garnet included, is
    /// never waited for.
    /// </summary>
    public TimeSpan ReplicaWaitTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Throws <see cref="ThermoclineException"/> (usage) naming the first invalid property.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw Invalid(nameof(ConnectionString), "is required, e.g. localhost:6379");
        }

        if (!RedisKeys.IsValidPrefix(KeyPrefix))
        {
            throw Invalid(nameof(KeyPrefix), $"must be at most {RedisKeys.MaxPrefixLength} printable ASCII characters without spaces or braces");
        }

        CheckRange(nameof(HeartbeatTtl), HeartbeatTtl, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        CheckRange(nameof(OperationTimeout), OperationTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        CheckRange(nameof(ReplayInterval), ReplayInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        CheckRange(nameof(ReplicaWaitTimeout), ReplicaWaitTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        if (MaxQueuedUpdates is < 1 or > 1_000_000)
        {
            throw Invalid(nameof(MaxQueuedUpdates), $"must be between 1 and 1000000, not {MaxQueuedUpdates}");
        }
    }

    private static void CheckRange(string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            throw Invalid(name, $"must be between {min} and {max}, not {value}");
        }
    }

    private static ThermoclineException Invalid(string property, string what) =>
        ThermoclineException.Usage($"Hot store option {property} {what}.");
}
