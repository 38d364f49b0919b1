using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Sync.Status;

/// <summary>One PR as the hub sees it now: git's cold state and Redis's hot state together.</summary>
/// <param name="Id">The PR id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Priority">Its priority (medium when the task list gives none).</param>
/// <param name="ColdState">Git's cold state.</param>
/// <param name="HotState">The live hot state, or null.</param>
/// <param name="Agent">Who holds it while it is hot.</param>
/// <param name="LastHeartbeat">The holder's last heartbeat, while hot.</param>
/// <param name="HeartbeatAge">How long ago that was.</param>
/// <param name="ExpiresIn">How long the hot state lives without another heartbeat.</param>
/// <param name="Fence">The current lease's fencing number, while hot.</param>
/// <param name="Dependencies">Its dependencies.</param>
/// <param name="UnmetDependencies">The dependencies not yet completed or approved.</param>
public sealed record PrStatus(
    string Id,
    string Title,
    Priority Priority,
    ColdState ColdState,
    HotState? HotState,
    string? Agent,
    DateTimeOffset? LastHeartbeat,
    TimeSpan? HeartbeatAge,
    TimeSpan? ExpiresIn,
    long? Fence,
    IReadOnlyList<string> Dependencies,
    IReadOnlyList<string> UnmetDependencies)
{
    /// <summary>The last handoff note left under a lease of this PR (<c>heartbeat --note</c>), or null.</summary>
    public HotStore.Leases.LeaseNote? Note { get; init; }

    /// <summary>
    /// True when Redis could not be read for this answer: <see cref="HotState"/>, <see cref="Agent"/> and the heartbeat are
    /// then unknown, not empty — the PR may well be held.
    /// </summary>
    public bool HotStateUnavailable { get; init; }

    /// <summary>
    /// True when the task list at the hub's branch does not parse: this is the PR as the last version that parsed had it
    /// (claims and cold commits are refused until the file is fixed).
    /// </summary>
    public bool TaskListStale { get; init; }

    /// <summary>While hot: the paths its lease reserves, or null when the claim reserved none.</summary>
    public Domain.Paths.PathReservation? ReservedPaths { get; init; }

    /// <summary>
    /// Set while the PR's <c>estimated_files</c> overlap another PR's live reservation: it is not offered and a claim of it is
    /// refused until that lease ends.
    /// </summary>
    public PathWait? WaitsForPaths { get; init; }

    /// <summary>The effective state: the hot state if there is one, else the cold state.</summary>
    public WorkState EffectiveState => WorkState.Effective(ColdState, HotState);

    /// <summary>
    /// The hot states an agent may claim this PR into now (empty when it is hot, its dependencies are unmet or its files are
    /// reserved under another lease). Judged on
    /// the cold state alone while <see cref="HotStateUnavailable"/>.
    /// </summary>
    public IReadOnlyList<HotState> ClaimableAs => HotState is not null || UnmetDependencies.Count > 0 || WaitsForPaths is not null
        ? []
        : TransitionTable.NextStates(ColdState).Where(s => s.IsHot).Select(s => s.Hot).ToList();
}
