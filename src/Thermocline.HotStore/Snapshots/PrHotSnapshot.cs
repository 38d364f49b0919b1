using Thermocline.Domain.States;

namespace Thermocline.HotStore.Snapshots;

/// <summary>What Redis holds for one PR at one moment.</summary>
/// <param name="PrId">The PR.</param>
/// <param name="ColdState">The cached cold state (git's), or null when Redis has none.</param>
/// <param name="HotState">The live hot state, or null when the PR is not hot.</param>
/// <param name="Agent">The agent holding the PR while it is hot.</param>
/// <param name="LastHeartbeat">The last heartbeat (or claim or hot transition) while it is hot.</param>
/// <param name="Fence">The fencing number of the current lease while it is hot.</param>
/// <param name="ExpiresIn">How long the hot state lives without another heartbeat.</param>
public sealed record PrHotSnapshot(
    string PrId,
    ColdState? ColdState,
    HotState? HotState,
    string? Agent,
    DateTimeOffset? LastHeartbeat,
    long? Fence,
    TimeSpan? ExpiresIn)
{
    /// <summary>The last handoff note left under a lease of this PR (it outlives the lease), or null.</summary>
    public Leases.LeaseNote? Note { get; init; }

    /// <summary>
    /// The lease the hot state is held under (its id is the holder's secret: never show it), so that a person may end a
    /// stuck lease they saw by its fence (<c>StateSync.ReleaseStuckAsync</c>) through the same fenced script as a release.
    /// </summary>
    public Domain.Leases.Lease? HeldLease { get; init; }

    /// <summary>The paths the current lease reserves, or null when it reserves none (or the PR is not hot).</summary>
    public Domain.Paths.PathReservation? ReservedPaths { get; init; }

    /// <summary>True while a hot state is live.</summary>
    public bool IsHot => HotState is not null;

    /// <summary>The effective state (hot if any, else cold), or null when Redis knows neither.</summary>
    public WorkState? EffectiveState => HotState is { } hot ? WorkState.Of(hot) : ColdState is { } cold ? WorkState.Of(cold) : null;
}
