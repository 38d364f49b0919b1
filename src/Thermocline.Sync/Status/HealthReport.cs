namespace Thermocline.Sync.Status;

/// <summary>How the hub is, read fresh from git and Redis when asked (<see cref="StateSync.GetHealthAsync"/>).</summary>
/// <param name="Status"><c>ok</c>, <c>degraded</c> (Redis away or queueing, git refusing writes or busy) or <c>unhealthy</c> (no usable task list).</param>
/// <param name="WorkingDirectory">The repository's working directory (null for a bare one).</param>
/// <param name="Branch">The hub's branch.</param>
/// <param name="TaskListPath">The task list's path in the repository.</param>
/// <param name="TaskListProblem">What is wrong with the task list on the branch now, or null.</param>
/// <param name="Checkout">What the person's checkout lets the hub do: null when in step, else why not.</param>
/// <param name="CheckoutBusy">True while a person's operation refuses cold transitions.</param>
/// <param name="GitProblem">The last git write failure (a full disk, a read-only .git), until a write succeeds again; else null.</param>
/// <param name="GitDurable">True when commits are fsynced before they are acknowledged.</param>
/// <param name="OwesWorkingCopy">True while edits are owed to a working copy that could not take them yet.</param>
/// <param name="RedisEndpoint">The Redis endpoint (never the password).</param>
/// <param name="RedisDegraded">True while Redis is unreachable or hot updates are queued.</param>
/// <param name="QueuedHotUpdates">Hot updates waiting for Redis.</param>
public sealed record HealthReport(
    string Status,
    string? WorkingDirectory,
    string Branch,
    string TaskListPath,
    string? TaskListProblem,
    string? Checkout,
    bool CheckoutBusy,
    string? GitProblem,
    bool GitDurable,
    bool OwesWorkingCopy,
    string RedisEndpoint,
    bool RedisDegraded,
    int QueuedHotUpdates)
{
    /// <summary>The remote branch every commit is pushed to (<c>origin/main</c>); null when commits stay local.</summary>
    public string? Remote { get; init; }

    /// <summary>Why the last push or fetch failed, until one succeeds again (milestones are refused meanwhile).</summary>
    public string? RemoteProblem { get; init; }

    /// <summary>In a group of hubs: <c>active</c>, <c>taking-over</c> or <c>standby</c>; null for a hub on its own.</summary>
    public string? Role { get; init; }

    /// <summary>In a group: the active hub's URL as last seen (null while none leads, e.g. during a failover).</summary>
    public string? ActiveHub { get; init; }
}
