namespace Thermocline.HotStore.Queueing;

/// <summary>A hot update waiting for Redis: a description for logs and the write to replay.</summary>
/// <param name="Describe">Says what it is, e.g. <c>heartbeat PR-005 (fence 3)</c>, when a log or an error needs it
/// (not on every call: most updates are never described); never contains secrets.</param>
/// <param name="ApplyAsync">Performs the write; throws a Redis connection or timeout exception when Redis is still away.</param>
internal sealed record PendingHotUpdate(Func<string> Describe, Func<Task> ApplyAsync)
{
    /// <summary>What the update is, for logs and errors.</summary>
    public string Description => Describe();
}
