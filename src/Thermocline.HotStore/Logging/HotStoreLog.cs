using Microsoft.Extensions.Logging;

namespace Thermocline.HotStore.Logging;

/// <summary>The hot store's log events (ids 4000–4099).</summary>
internal static partial class HotStoreLog
{
    [LoggerMessage(4001, LogLevel.Information, "Hot store connecting to {Endpoint} (key prefix '{Prefix}')")]
    public static partial void Connecting(ILogger logger, string endpoint, string prefix);

    [LoggerMessage(4002, LogLevel.Warning, "Hot store lost its connection to {Endpoint}: {FailureType}; hot updates are queued")]
    public static partial void ConnectionLost(ILogger logger, string endpoint, string failureType);

    [LoggerMessage(4003, LogLevel.Information, "Hot store reconnected to {Endpoint}")]
    public static partial void ConnectionRestored(ILogger logger, string endpoint);

    [LoggerMessage(4004, LogLevel.Debug, "Queued hot update {Update} ({Count} queued)")]
    public static partial void Queued(ILogger logger, string update, int count);

    [LoggerMessage(4005, LogLevel.Error, "Hot update queue is full ({Capacity}); refusing {Update}")]
    public static partial void QueueFull(ILogger logger, int capacity, string update);

    [LoggerMessage(4006, LogLevel.Information, "Replayed {Count} queued hot updates ({Remaining} still queued)")]
    public static partial void Replayed(ILogger logger, int count, int remaining);

    [LoggerMessage(4007, LogLevel.Warning, "Dropped queued hot update {Update}: {Reason}")]
    public static partial void ReplayRefused(ILogger logger, string update, string reason);

    [LoggerMessage(4008, LogLevel.Warning, "Replay of queued hot updates failed; retrying")]
    public static partial void ReplayFailed(ILogger logger, Exception exception);

    [LoggerMessage(4009, LogLevel.Information, "Swept {Count} expired entries from the hot index")]
    public static partial void Swept(ILogger logger, int count);

    [LoggerMessage(4010, LogLevel.Information, "Cleared state of {Count} PRs the task list does not have")]
    public static partial void OrphansCleared(ILogger logger, int count);

    [LoggerMessage(4011, LogLevel.Information, "Hydrated {Count} PRs into the hot store")]
    public static partial void Hydrated(ILogger logger, int count);

    [LoggerMessage(4012, LogLevel.Warning, "Hot store at {Endpoint}: slots {Slots} have no reachable master; waiting for the cluster to promote a replica")]
    public static partial void SlotsUnavailable(ILogger logger, string endpoint, string slots);

    [LoggerMessage(4013, LogLevel.Information, "Hot store at {Endpoint}: every slot has a reachable master again")]
    public static partial void SlotsAvailable(ILogger logger, string endpoint);

    [LoggerMessage(4014, LogLevel.Warning, "Claim of {PrId} (fence {Fence}) reached no replica within {TimeoutMs} ms; a failover before it does may lose it")]
    public static partial void ClaimNotReplicated(ILogger logger, string prId, long fence, long timeoutMs);

    [LoggerMessage(4020, LogLevel.Information, "Embedded Garnet listening on 127.0.0.1:{Port} (persistence: {Persistence})")]
    public static partial void GarnetStarted(ILogger logger, int port, string persistence);

    [LoggerMessage(4021, LogLevel.Information, "Embedded Garnet on port {Port} stopped")]
    public static partial void GarnetStopped(ILogger logger, int port);
}
