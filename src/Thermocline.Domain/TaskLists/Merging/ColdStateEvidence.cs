using Thermocline.Domain.Commits;

namespace Thermocline.Domain.TaskLists.Merging;

/// <summary>
/// What each side's history says about a <see cref="ColdStateDispute"/>: the newest milestone of that PR reachable from
/// the side's commit (null when that history has none).
/// </summary>
/// <param name="Ours">Our side's last milestone of the PR.</param>
/// <param name="Theirs">Their side's last milestone of the PR.</param>
public sealed record ColdStateEvidence(Milestone? Ours, Milestone? Theirs)
{
    /// <summary>
    /// Why a side's history could not be read (its commit not found, the walk cut short); null when both were. Such a
    /// dispute is never decided: it stays a conflict.
    /// </summary>
    public string? Undetermined { get; init; }

    /// <summary>Evidence that cannot decide, for the reason given.</summary>
    public static ColdStateEvidence Unknown(string reason) => new(null, null) { Undetermined = reason };
}
