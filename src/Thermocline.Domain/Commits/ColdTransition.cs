using Thermocline.Domain.States;

namespace Thermocline.Domain.Commits;

/// <summary>
/// A transition that ends in a cold state, to be committed: cold → cold, or hot → cold (a milestone).
/// </summary>
/// <param name="PrId">The PR, e.g. <c>PR-005</c>.</param>
/// <param name="From">The effective state the transition starts from (cold, or the hot state being left).</param>
/// <param name="To">The cold state it ends in.</param>
/// <param name="Agent">Who made it; a valid agent name.</param>
public sealed record ColdTransition(string PrId, WorkState From, ColdState To, string Agent)
{
    /// <summary>The fencing number of the lease that made it, when it came from a lease holder; written as <c>Lease:</c>.</summary>
    public long? Lease { get; init; }

    /// <summary>Free text saying why; made one line, stripped of control characters and capped before it reaches the message.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// For a hot → cold transition: the cold state the claim started from, which git must still show.
    /// Ignored for cold → cold (where <see cref="From"/> is that state).
    /// </summary>
    public ColdState? ClaimedFrom { get; init; }

    /// <summary>The cold state git must show for the PR at HEAD for this transition to be committed.</summary>
    public ColdState ExpectedColdState => From.IsCold
        ? From.Cold
        : ClaimedFrom ?? throw new InvalidOperationException($"{PrId}: a hot → cold transition needs {nameof(ClaimedFrom)}, the cold state the claim started from.");
}
