namespace Thermocline.Hub.Api;

// The JSON contract of the HTTP API (camelCase on the wire). States are their SPEC.md names ("in-progress"),
// leases their text form "FENCE:ID", durations seconds.

/// <summary>
/// One PR: git's cold state and Redis's hot state together. <see cref="HotStateUnavailable"/>: Redis could not be read,
/// so the hot fields are unknown (null does not mean free). <see cref="TaskListStale"/>: the task list at the hub's branch
/// does not parse and this is the last version that did. Lists stay plain arrays; every element carries both flags.
/// </summary>
public sealed record PrView(
    string Id,
    string Title,
    string Priority,
    string ColdState,
    string? HotState,
    string State,
    string? Agent,
    DateTimeOffset? LastHeartbeat,
    double? HeartbeatAgeSeconds,
    double? ExpiresInSeconds,
    long? Fence,
    IReadOnlyList<string> Dependencies,
    IReadOnlyList<string> UnmetDependencies,
    IReadOnlyList<string> ClaimableAs,
    bool HotStateUnavailable = false,
    bool TaskListStale = false,
    NoteView? Note = null)
{
    /// <summary>While hot: the paths (globs) its lease reserves, or null when the claim reserved none.</summary>
    public IReadOnlyList<string>? ReservedPaths { get; init; }

    /// <summary>
    /// Set when the PR's <c>estimated_files</c> overlap a live reservation of another PR: it is not offered
    /// (<see cref="ClaimableAs"/> is empty) and a claim of it is refused until that lease ends.
    /// </summary>
    public ReservationView? WaitsForPaths { get; init; }
}

/// <summary>
/// A live path reservation (<c>GET /api/reservations</c>): the PR whose lease (fence <see cref="Fence"/>, held by
/// <see cref="Agent"/>) reserves <see cref="Paths"/> — repository-relative globs (<c>*</c>, <c>**</c>, <c>?</c>). It ends
/// with the lease. In <see cref="PrView.WaitsForPaths"/>, <see cref="Paths"/> are those that overlap the PR's files.
/// </summary>
public sealed record ReservationView(string PrId, string Agent, long Fence, IReadOnlyList<string> Paths, double? ExpiresInSeconds);

/// <summary>
/// <c>GET /api/prs/{id}/leases/{fence}</c>: is the lease with this fence still current, and if not, when and how did it end
/// (from Redis and git). <see cref="Standing"/>: <c>current</c> (held now; <see cref="EndsAt"/> is when it lapses without
/// another heartbeat), <c>ended</c> (no newer fence was handed out; <see cref="EndedAt"/> and <see cref="Ending"/> say when
/// and how: expired, released, milestone, cleared — null when nothing recorded it), <c>superseded</c> (a newer fence,
/// <see cref="SupersededBy"/>, was handed out for the PR, to <see cref="SupersededByAgent"/> when known) or
/// <c>never-issued</c> (no lease of the PR ever had this fence). <see cref="Commit"/>: the milestone commit the lease ended
/// with, when it did. <see cref="Message"/> says it all in one sentence for a person.
/// </summary>
public sealed record LeaseStandingView(
    string PrId,
    long Fence,
    string Standing,
    string? Agent,
    DateTimeOffset? EndsAt,
    DateTimeOffset? EndedAt,
    string? Ending,
    long? SupersededBy,
    string? SupersededByAgent,
    string? Commit,
    string Message);

/// <summary>A handoff note: left under the lease with fence <see cref="Fence"/> by <see cref="Agent"/> at <see cref="At"/>.</summary>
public sealed record NoteView(long Fence, string Agent, DateTimeOffset At, string Text);

/// <summary>
/// Body of <c>POST /api/prs/{id}/claim</c>; <see cref="TtlSeconds"/>: how long the lease lives after each heartbeat.
/// <see cref="Reserve"/>: also reserve the PR's <c>estimated_files</c> under the lease; <see cref="Paths"/>: reserve these globs
/// (with them, when both are given). A reservation that overlaps another live one is refused (exit 4).
/// </summary>
public sealed record ClaimRequest(string? Agent, string? State, double? TtlSeconds = null, bool Reserve = false, IReadOnlyList<string>? Paths = null);

/// <summary>
/// The body of <c>POST /api/claim-next</c>: who claims, and optionally into which hot state, only among these PRs, only
/// this priority or higher, and how long to wait for one (seconds; 0 or absent: do not wait). <see cref="Reserve"/>: reserve the
/// chosen PR's <c>estimated_files</c> under its lease (PRs whose files overlap a live reservation are never chosen).
/// </summary>
public sealed record ClaimNextRequest(
    string? Agent, string? State, IReadOnlyList<string>? Prs = null, string? Priority = null, double? WaitSeconds = null, double? TtlSeconds = null, bool Reserve = false);

/// <summary>
/// Body of <c>POST /api/prs</c> (<c>thermo add</c>): who adds, the title, and optionally the priority (default medium),
/// dependencies, a one-paragraph description, the id (default: the next free one) and the PR it was discovered from.
/// </summary>
public sealed record AddRequest(string? Agent, string? Title, string? Priority = null, IReadOnlyList<string>? Dependencies = null, string? Description = null, string? Id = null, string? From = null);

/// <summary>What adding a PR did: its id, the commit, its cold state after the dependency engine ran, and that engine's commit.</summary>
public sealed record AddView(string PrId, string Commit, string ColdState, string? DependencyCommit);

/// <summary>
/// Body of <c>PATCH /api/prs/{id}</c> (<c>thermo edit</c>): who edits, and the fields to set; one left out (null) stays as it
/// is. <c>Dependencies</c> replaces the list (<c>[]</c> clears it), <c>AddDependencies</c> adds to it, an empty
/// <c>Description</c> removes it. At least one field.
/// </summary>
public sealed record EditRequest(
    string? Agent, string? Title = null, string? Priority = null, IReadOnlyList<string>? Dependencies = null, IReadOnlyList<string>? AddDependencies = null,
    string? Description = null, string? From = null);

/// <summary>What editing a PR did: the fields changed (none: nothing committed), the commit, its cold state after the dependency engine ran, and that engine's commit.</summary>
public sealed record EditView(string PrId, string? Commit, IReadOnlyList<string> Changed, string ColdState, string? DependencyCommit);

/// <summary>Body of <c>POST /api/prs/{id}/heartbeat</c> (optionally with a handoff <see cref="Note"/>) and <c>/release</c>.</summary>
public sealed record LeaseRequest(string? Agent, string? Lease, string? Note = null);

/// <summary>Body of <c>POST /api/prs/{id}/transition</c>.</summary>
public sealed record TransitionRequest(string? Agent, string? State, string? Lease, string? Reason);

/// <summary>
/// <c>GET /api/prs/{id}/details</c>: one PR for a person to read (the board's PR page): its status, the free markdown under its
/// block as written, and the block's <c>complexity</c>, <c>estimated_files</c> and <c>discovered_from</c>.
/// </summary>
public sealed record PrDetailsView(PrView Pr, string Markdown, ComplexityView? Complexity, IReadOnlyList<EstimatedFileView> EstimatedFiles, string? DiscoveredFrom);

/// <summary>A PR's <c>complexity</c> field; any part may be absent.</summary>
public sealed record ComplexityView(int? Score, int? EstimatedMinutes, string? SuggestedModel, string? Rationale);

/// <summary>One entry of a PR's <c>estimated_files</c>.</summary>
public sealed record EstimatedFileView(string? Path, string? Action, string? Description);

/// <summary>
/// Body of <c>POST /api/prs/{id}/release-stuck</c>: a person (<see cref="Agent"/>) ends the hot state held under the lease with
/// fence <see cref="Fence"/> (as the board or <c>thermo status</c> showed it), saying why.
/// </summary>
public sealed record ReleaseStuckRequest(string? Agent, long? Fence, string? Reason);

/// <summary>Body of <c>POST /api/reconcile</c>.</summary>
public sealed record ReconcileRequest(bool DryRun);

/// <summary>What a claim or transition did.</summary>
public sealed record TransitionView(
    string PrId,
    string From,
    string To,
    string Kind,
    bool NoOp,
    string? Lease,
    long? Fence,
    string? Commit,
    string? DependencyCommit,
    IReadOnlyList<string> DependencyChanges,
    bool Queued = false,
    double? LeaseTtlSeconds = null,
    NoteView? Handoff = null,
    IReadOnlyList<string>? ReservedPaths = null,
    string? PushedTo = null);

/// <summary>What a heartbeat or release did: <c>applied</c>, or <c>queued</c> while Redis is away.</summary>
public sealed record WriteView(string PrId, string Result);

/// <summary>One conflict of a reconciliation.</summary>
public sealed record ConflictView(string Kind, string PrId, string? Redis, string? Git, string Resolution);

/// <summary>What a reconciliation found and (unless a dry run) resolved.</summary>
public sealed record ReconcileView(bool DryRun, bool Clean, string? Skipped, IReadOnlyList<ConflictView> Conflicts);

/// <summary>One milestone from git history.</summary>
public sealed record MilestoneView(string Sha, string PrId, string From, string To, string Agent, long? Lease, DateTimeOffset Timestamp, string Kind, string? Reason);

/// <summary>The hub's health: Redis, git, degraded or not.</summary>
public sealed record HealthView(
    string Status,
    string Repository,
    string TaskList,
    string? TaskListProblem,
    string RedisEndpoint,
    bool RedisEmbedded,
    bool RedisDegraded,
    int QueuedHotUpdates,
    bool GitDurable,
    DateTimeOffset StartedAt,
    bool? RecoveredFromCrash,
    double? StartupMilliseconds)
{
    /// <summary>The hub's branch.</summary>
    public string? Branch { get; init; }

    /// <summary>Null while the branch is checked out here and nothing is in progress; else what the person is doing.</summary>
    public string? Checkout { get; init; }

    /// <summary>True while a person's merge, rebase, … of the branch refuses milestones (exit 69).</summary>
    public bool CheckoutBusy { get; init; }

    /// <summary>The last git write failure (full disk, read-only .git) until a write succeeds again.</summary>
    public string? GitProblem { get; init; }

    /// <summary>The remote branch every commit is pushed to before it is acknowledged (<c>origin/main</c>); null when commits stay local.</summary>
    public string? Remote { get; init; }

    /// <summary>Why the last push or fetch failed, until one succeeds again: milestones are refused (exit 69) meanwhile, hot work goes on.</summary>
    public string? RemoteProblem { get; init; }

    /// <summary>True while edits are owed to a working copy that could not take them yet (a half-finished edit).</summary>
    public bool OwesWorkingCopy { get; init; }

    /// <summary>In a group of hubs (<c>--advertise</c>): <c>active</c>, <c>taking-over</c> or <c>standby</c>; null for a hub on its own.</summary>
    public string? Role { get; init; }

    /// <summary>In a group: the URL of the active hub (null while none leads, during a failover).</summary>
    public string? ActiveHub { get; init; }
}

/// <summary>
/// One event of <c>GET /api/events</c> (the <c>data:</c> of a server-sent event; its <c>id:</c> is <see cref="Id"/>). Kinds:
/// started, hydrated, claimed, hot-transition, released, cold-commit, dependency-commit, display-sync, conflict, swept
/// (a lease expired), task-list-broken, task-list-repaired, error, stopped, git-changed, recovered; and reset (events
/// were missed: re-read the state) or overflow (this reader fell behind and is cut off: reconnect with Last-Event-ID).
/// </summary>
public sealed record EventView(
    string Id,
    string Kind,
    DateTimeOffset Time,
    string? PrId,
    string? From,
    string? To,
    string? Agent,
    long? Fence,
    string? Commit,
    string Message);

