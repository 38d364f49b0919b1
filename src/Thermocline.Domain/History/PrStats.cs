using Thermocline.Domain.States;

namespace Thermocline.Domain.History;

/// <summary>One PR's history in numbers, from git alone.</summary>
/// <param name="PrId">The PR.</param>
/// <param name="State">Its cold state at the last commit walked; null when it was removed.</param>
/// <param name="WorkStarted">
/// The first sign of work git holds: the claim time a display sync showed, else the first milestone to planned, completed,
/// approved or broken (git does not record claims; a milestone is when work ended, not began).
/// </param>
/// <param name="CycleToCompleted">From <paramref name="WorkStarted"/> to its first <c>completed</c>; null when never.</param>
/// <param name="CycleToApproved">From <paramref name="WorkStarted"/> to its first <c>approved</c>; null when never.</param>
/// <param name="TimeInState">Time spent in each cold state, over the stays that ended (the current one is open).</param>
/// <param name="Milestones">Its milestones in hub commits.</param>
/// <param name="Fences">The distinct lease fences its milestones record, ascending: the leases seen (lease churn).</param>
/// <param name="Holdings">The holdings display syncs showed for it.</param>
/// <param name="HoldingsEndedWithoutMilestone">Of those, the ones that ended with no milestone (expired or released).</param>
public sealed record PrStats(
    string PrId,
    ColdState? State,
    DateTimeOffset? WorkStarted,
    TimeSpan? CycleToCompleted,
    TimeSpan? CycleToApproved,
    IReadOnlyDictionary<ColdState, TimeSpan> TimeInState,
    int Milestones,
    IReadOnlyList<long> Fences,
    int Holdings,
    int HoldingsEndedWithoutMilestone);
