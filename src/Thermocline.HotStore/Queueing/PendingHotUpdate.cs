namespace Thermocline.HotStore.Queueing;

/// <summary>A hot update waiting for Redis: a description for logs and the write to replay.</summary>
/// <param name="Description">E.g. <c>heartbeat PR-005</c>; never contains secrets.</param>
/// <param name="ApplyAsync">Performs the write; throws a Redis connection or timeout exception when Redis is still away.</param>
internal sealed record PendingHotUpdate(string Description, Func<Task> ApplyAsync);
