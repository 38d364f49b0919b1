using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.HotStore.Leases;

namespace Thermocline.Sync.Status;

/// <summary>What a transition did.</summary>
/// <param name="PrId">The PR.</param>
/// <param name="From">The effective state it started from.</param>
/// <param name="To">The state it ended in.</param>
/// <param name="NoOp">True when the PR was already there: nothing was written.</param>
/// <param name="Lease">The lease: new for a claim, the caller's for other hot transitions; null for cold ones.</param>
/// <param name="Commit">The milestone commit, for a transition ending cold.</param>
/// <param name="DependencyCommit">The commit of the dependency changes it caused, if any.</param>
/// <param name="DependencyChanges">Those changes, as <c>PR-xxx: from → to</c>.</param>
public sealed record TransitionResult(
    string PrId,
    WorkState From,
    WorkState To,
    bool NoOp,
    Lease? Lease,
    string? Commit,
    string? DependencyCommit,
    IReadOnlyList<string> DependencyChanges)
{
    /// <summary>True when Redis was unreachable and the hot → hot step was queued, to be replayed (and its lease checked) on reconnect.</summary>
    public bool Queued { get; init; }

    /// <summary>For a milestone: the remote branch it was pushed to before it was acknowledged; null without a remote.</summary>
    public string? PushedTo { get; init; }

    /// <summary>For a claim: the note the PR's previous holder left (<c>heartbeat --note</c>), handed over; else null.</summary>
    public LeaseNote? Handoff { get; init; }

    /// <summary>For a claim: how long the lease lives after each heartbeat.</summary>
    public TimeSpan? LeaseTtl { get; init; }

    /// <summary>For a claim that reserved paths: those paths, ending with the lease.</summary>
    public Domain.Paths.PathReservation? ReservedPaths { get; init; }

    /// <summary>The transition's kind.</summary>
    public TransitionKind Kind => new Transition(From, To).Kind;
}
