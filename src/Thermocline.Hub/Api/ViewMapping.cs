using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.HotStore.Leases;
using Thermocline.Sync.Events;
using Thermocline.Sync.Reconciliation;
using Thermocline.Sync.Status;

namespace Thermocline.Hub.Api;

/// <summary>Domain results to their wire form.</summary>
internal static class ViewMapping
{
    public static EventView ToView(this SyncEvent e, string id) =>
        new(id, KindName(e.Kind.ToString()), e.Timestamp, e.PrId, e.From, e.To, e.Agent, e.Fence, e.Commit, e.Message);

    /// <summary>An event kind as the stream names it: ColdCommit → cold-commit.</summary>
    public static string KindName(string kind) =>
        string.Concat(kind.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    public static PrDetailsView ToView(this PrDetails d) => new(
        d.Status.ToView(),
        d.Markdown,
        d.Complexity is { } c ? new ComplexityView(c.Score, c.EstimatedMinutes, c.SuggestedModel, c.Rationale) : null,
        [.. d.EstimatedFiles.Select(f => new EstimatedFileView(f.Path, f.Action, f.Description))],
        d.DiscoveredFrom);

    public static PrView ToView(this PrStatus s) => new(
        s.Id,
        s.Title,
        s.Priority.ToString().ToLowerInvariant(),
        StateNames.Of(s.ColdState),
        s.HotState is { } h ? StateNames.Of(h) : null,
        s.EffectiveState.ToString(),
        s.Agent,
        s.LastHeartbeat,
        s.HeartbeatAge?.TotalSeconds,
        s.ExpiresIn?.TotalSeconds,
        s.Fence,
        s.Dependencies,
        s.UnmetDependencies,
        s.ClaimableAs.Select(StateNames.Of).ToList(),
        s.HotStateUnavailable,
        s.TaskListStale,
        s.Note?.ToView())
    {
        ReservedPaths = s.ReservedPaths?.Texts,
        WaitsForPaths = s.WaitsForPaths is { } wait ? wait.Holder.ToView() with { Paths = wait.Overlap } : null,
    };

    public static ReservationView ToView(this LiveReservation r) => new(r.PrId, r.Agent, r.Fence, r.Paths.Texts, r.ExpiresIn?.TotalSeconds);

    public static LeaseStandingView ToView(this Domain.Leases.LeaseStanding l, string prId, long fence) => new(
        prId, fence, l.Standing, l.Agent, l.EndsAt, l.EndedAt, l.Ending, l.SupersededBy, l.SupersededByAgent, l.Commit, l.Message);

    public static NoteView ToView(this LeaseNote n) => new(n.Fence, n.Agent, n.At, n.Text);

    public static TransitionView ToView(this TransitionResult r) => new(
        r.PrId,
        r.From.ToString(),
        r.To.ToString(),
        StateNames.Of(r.Kind),
        r.NoOp,
        r.Lease?.ToString(),
        r.Lease?.Fence,
        r.Commit,
        r.DependencyCommit,
        r.DependencyChanges,
        r.Queued,
        r.LeaseTtl?.TotalSeconds,
        r.Handoff?.ToView(),
        r.ReservedPaths?.Texts,
        r.PushedTo);

    public static ReconcileView ToView(this ReconciliationReport r) => new(
        r.DryRun,
        r.Clean,
        r.Skipped,
        r.Conflicts.Select(c => new ConflictView(c.Kind.ToString(), c.PrId, c.Redis, c.Git, c.Resolution)).ToList());

    public static MilestoneView ToView(this Milestone m) => new(
        m.Sha, m.PrId, m.From.ToString(), StateNames.Of(m.To), m.Agent, m.Lease, m.Timestamp, m.Kind.ToString(), m.Reason);
}
