using Thermocline.Domain.States;

namespace Thermocline.Domain.Commits;

/// <summary>One cold-state change of one PR as recorded in a commit message.</summary>
/// <param name="Sha">The commit.</param>
/// <param name="PrId">The PR.</param>
/// <param name="From">The state it started from (hot or cold).</param>
/// <param name="To">The cold state it ended in.</param>
/// <param name="Agent">Who made it.</param>
/// <param name="Lease">The lease fencing number, when the commit records one.</param>
/// <param name="Timestamp">The message's timestamp (the committer time when the message has none).</param>
/// <param name="Kind">A transition of its own, or one change of a dependency update.</param>
public sealed record Milestone(
    string Sha,
    string PrId,
    WorkState From,
    ColdState To,
    string Agent,
    long? Lease,
    DateTimeOffset Timestamp,
    MilestoneKind Kind)
{
    /// <summary>The reason given, if any.</summary>
    public string? Reason { get; init; }
}
