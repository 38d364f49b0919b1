using StackExchange.Redis;

namespace Thermocline.HotStore.Queueing;

/// <summary>
/// A hot update that can wait for Redis: applied at once when Redis is there, otherwise queued and replayed in order
/// when it is back. Every one is idempotent (same lease, same target, same value), so replaying one that landed just
/// before a failure is harmless. Sending and reading the reply are separate steps, so applying one costs no more than
/// the Redis call itself.
/// </summary>
internal abstract class PendingHotUpdate
{
    /// <summary>
    /// What the update is, e.g. <c>heartbeat PR-005 (fence 3)</c>, for logs and errors; built only when one needs it
    /// (most updates are never described); never contains secrets.
    /// </summary>
    public abstract string Description { get; }

    /// <summary>Sends the write; fails with a Redis connection or timeout exception when Redis is away.</summary>
    public abstract Task<RedisResult> SendAsync();

    /// <summary>Reads Redis's reply to <see cref="SendAsync"/>; throws when the write was refused (stale lease, invalid transition).</summary>
    public abstract void Accept(RedisResult reply);
}
