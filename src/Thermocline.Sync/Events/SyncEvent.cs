namespace Thermocline.Sync.Events;

/// <summary>One thing the state sync did or saw, as the event stream carries it.</summary>
/// <param name="Kind">What kind of event.</param>
/// <param name="Timestamp">When.</param>
/// <param name="PrId">The PR concerned, when there is one.</param>
/// <param name="Message">A sentence for people.</param>
public sealed record SyncEvent(SyncEventKind Kind, DateTimeOffset Timestamp, string? PrId, string Message)
{
    /// <summary>Its number in this hub run's <see cref="EventFeed"/> (0 until appended).</summary>
    public long Id { get; init; }

    /// <summary>The state the PR left (a transition, claim, release, conflict), when there is one.</summary>
    public string? From { get; init; }

    /// <summary>The state the PR is in now, when there is one.</summary>
    public string? To { get; init; }

    /// <summary>The agent who acted (or whose work was ended), when there is one.</summary>
    public string? Agent { get; init; }

    /// <summary>The lease's fencing number, when a lease is concerned.</summary>
    public long? Fence { get; init; }

    /// <summary>The commit made (or, for a change seen in git, the branch's new tip), when there is one.</summary>
    public string? Commit { get; init; }
}
