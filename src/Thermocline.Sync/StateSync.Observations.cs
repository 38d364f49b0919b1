using Microsoft.Extensions.Logging;
using Thermocline.ColdStore;
using Thermocline.Domain.Dependencies;
using Thermocline.Domain.States;
using Thermocline.HotStore.Snapshots;
using Thermocline.Sync.Events;
using Thermocline.Sync.Reconciliation;
using Thermocline.Sync.Status;

namespace Thermocline.Sync;

// Each change the state sync makes or sees is observed by one call here: its log line (source-generated, SyncLog), its
// measurements (SyncMetrics), the tags of the span it happened in (SyncTracing) and its event in the feed (Events),
// which alone feeds the API's event stream. A call site says what happened, once.
public sealed partial class StateSync
{
    private void ObserveClaim(string prId, ColdState from, HotState to, string agent, long fence, long started)
    {
        var (f, t) = (StateNames.Of(from), StateNames.Of(to));
        MeasureTransition(StateNames.Of(TransitionKind.ColdToHot), f, t, fence, null, started);
        SyncLog.Transition(_logger, prId, f, t, agent);
        Emit(SyncEventKind.Claimed, prId, $"{prId}: {f} → {t} claimed by {agent} (lease {fence})", f, t, agent, fence);
    }

    private void ObserveHotStep(string prId, HotState from, HotState to, string agent, long fence, long started)
    {
        var (f, t) = (StateNames.Of(from), StateNames.Of(to));
        MeasureTransition(StateNames.Of(TransitionKind.HotToHot), f, t, fence, null, started);
        SyncLog.Transition(_logger, prId, f, t, agent);
        Emit(SyncEventKind.HotTransition, prId, $"{prId}: {f} → {t} by {agent}", f, t, agent, fence);
    }

    // Redis is away: the step is queued and checked when replayed, so it is counted but not yet an event.
    private void ObserveQueuedHotStep(HotState to, long fence, long started) =>
        MeasureTransition(StateNames.Of(TransitionKind.HotToHot), null, StateNames.Of(to), fence, null, started);

    private void ObserveRelease(string prId, string agent, long fence, long started)
    {
        MeasureTransition("release", null, null, fence, null, started);
        SyncLog.Released(_logger, prId, agent, fence);
        Emit(SyncEventKind.Released, prId, $"{prId} released by {agent}", agent: agent, fence: fence);
    }

    private void ObserveStuckRelease(string prId, PrHotSnapshot ended, string person, string reason, long started)
    {
        var (fence, holder, hot) = (ended.Fence!.Value, ended.Agent ?? "(unknown)", StateNames.Of(ended.HotState!.Value));
        MeasureTransition("release", null, null, fence, null, started);
        SyncLog.ReleasedStuck(_logger, prId, fence, holder, hot, person, reason);
        Emit(SyncEventKind.Released, prId, $"{prId}: {person} ended the stuck lease {fence} of {holder} ({hot}): {reason}", hot, StateNames.Of(ended.ColdState ?? ColdState.Ready), person, fence);
    }

    private void ObserveMilestone(string prId, WorkState from, ColdState to, TransitionKind kind, string agent, long? fence, string sha, TimeSpan commitDuration, long started)
    {
        var (f, t) = (from.ToString(), StateNames.Of(to));
        Metrics.RecordCommit("milestone", commitDuration);
        MeasureTransition(StateNames.Of(kind), f, t, fence, sha, started);
        SyncLog.Transition(_logger, prId, f, t, agent);
        Emit(SyncEventKind.ColdCommit, prId, $"{prId}: {f} → {t} by {agent}, commit {sha[..10]}", f, t, agent, fence, sha);
    }

    private void ObserveDependencyCommit(string cause, IReadOnlyList<DependencyChange> changes, IReadOnlyList<string> described, string sha, TimeSpan commitDuration)
    {
        Metrics.RecordCommit("dependencies", commitDuration);
        Metrics.CountTransitions(TransitionKind.ColdToCold, changes.Count);
        SyncLog.DependencyChanges(_logger, cause, string.Join(", ", described));
        foreach (var c in changes)
        {
            var (f, t) = (StateNames.Of(c.From), StateNames.Of(c.To));
            Emit(SyncEventKind.DependencyCommit, c.PrId, $"{c.PrId}: {f} → {t} after {cause} (commit {sha[..10]})", f, t, commit: sha);
        }
    }

    private void ObserveAdded(string prId, string agent, string title, string sha)
    {
        Metrics.CountTransition("add");
        SyncTracing.Tag("add", null, "new", null, sha);
        SyncLog.Added(_logger, prId, agent, sha);
        Emit(SyncEventKind.Added, prId, $"{prId} added by {agent}: {title} (commit {sha[..10]})", to: "new", agent: agent, commit: sha);
    }

    private void ObserveEdited(string prId, string agent, IReadOnlyList<string> fields, string sha)
    {
        Metrics.CountTransition("edit");
        SyncTracing.Tag("edit", null, null, null, sha);
        SyncLog.Edited(_logger, prId, agent, sha, string.Join(", ", fields));
        Emit(SyncEventKind.Edited, prId, $"{prId} edited by {agent}: {string.Join(", ", fields)} (commit {sha[..10]})", agent: agent, commit: sha);
    }

    // The commit stands (git has it); Redis catches up at the next reconciliation.
    private void ObserveRedisCatchUp(Exception ex, string prIds, string sha)
    {
        Metrics.CountRedisCatchUp();
        SyncLog.RedisCatchUp(_logger, ex, prIds, sha);
    }

    private void ObserveConflict(Conflict c)
    {
        var kind = c.Kind.ToString();
        Metrics.CountConflict(kind);
        SyncLog.Conflict(_logger, kind, c.PrId, c.Redis, c.Git, c.Resolution);
        Emit(SyncEventKind.Conflict, c.PrId, $"{kind}: Redis {c.Redis ?? "(none)"}, git {c.Git ?? "(none)"}; {c.Resolution}");
    }

    // A dependency change ended hot work git no longer allows: resolved on the spot, as reconciliation would.
    private void ObserveHotWorkCleared(string prId, HotState hot, ColdState to, string? agent, long? fence)
    {
        var (h, t) = (StateNames.Of(hot), StateNames.Of(to));
        var kind = nameof(ConflictKind.HotStateContradictsGit);
        Metrics.CountConflict(kind);
        SyncLog.Conflict(_logger, kind, prId, h, t, $"the work of {agent} was cleared (git wins)");
        Emit(SyncEventKind.Conflict, prId, $"{prId} is now {t}: the {h} work of {agent} was cleared (git wins)", h, t, agent, fence);
    }

    /// <summary>A failure the sync carries on after (a cycle's tick, the dependency engine): logged, counted, an <c>error</c> event.</summary>
    internal void ObserveFailure(ILogger logger, Exception ex, string what, string message)
    {
        Metrics.CountError();
        SyncLog.CycleFailed(logger, ex, what);
        Emit(SyncEventKind.Error, null, message);
    }

    private void ObserveTaskListBroken(string problem)
    {
        SyncLog.TaskListBroken(_logger, problem);
        Emit(SyncEventKind.TaskListBroken, null, $"{_cold.TaskListPath} at HEAD does not parse: {problem}");
    }

    private void ObserveTaskListRepaired()
    {
        SyncLog.TaskListRepaired(_logger);
        Emit(SyncEventKind.TaskListRepaired, null, $"{_cold.TaskListPath} at HEAD parses again");
    }

    // Null result: skipped because the task list does not parse (nothing was read or written).
    private void ObserveDisplaySync(DisplaySyncResult? result, int prs, TimeSpan duration)
    {
        if (result is null)
        {
            Metrics.RecordDisplaySync("skipped_task_list_broken", null);
            return;
        }

        Metrics.RecordDisplaySync(
            result.Outcome switch
            {
                DisplaySyncOutcome.Committed => "committed",
                DisplaySyncOutcome.SkippedRecentColdCommit => "skipped_recent_cold_commit",
                DisplaySyncOutcome.SkippedCheckoutBusy => "skipped_checkout_busy",
                _ => "skipped_unchanged",
            },
            duration);
        SyncLog.DisplaySync(_logger, result.Outcome.ToString(), prs, (long)duration.TotalMilliseconds);
        if (result.Outcome == DisplaySyncOutcome.Committed)
        {
            Emit(SyncEventKind.DisplaySync, null, $"display shows {prs} hot PRs (commit {result.Commit!.Sha[..10]})", commit: result.Commit!.Sha);
        }
    }

    private void ObserveSwept(IReadOnlyList<string> swept)
    {
        Metrics.CountExpiredLeases(swept.Count);
        SyncLog.Swept(_logger, swept.Count, string.Join(", ", swept));
        foreach (var id in swept)
        {
            Emit(SyncEventKind.Swept, id, $"{id}: its lease expired (no heartbeat); back at its cold state");
        }
    }

    private void ObserveHydrated(int prs, TimeSpan duration)
    {
        Metrics.RecordHydration(duration);
        SyncLog.Hydrated(_logger, prs, (long)duration.TotalMilliseconds);
        Emit(SyncEventKind.Hydrated, null, $"hydrated {prs} PRs from git");
    }

    private void ObserveStarted(StartupReport report, bool withoutTaskList)
    {
        var ms = (long)report.Duration.TotalMilliseconds;
        Metrics.RecordStartup(report.Duration);
        if (withoutTaskList)
        {
            SyncLog.StartedWithoutTaskList(_logger, ms);
            Emit(SyncEventKind.Started, null, "started without a task list: the one at HEAD does not parse");
            return;
        }

        SyncLog.Started(_logger, ms, report.Prs, report.RecoveredFromCrash, report.ConflictsResolved, report.DependencyChanges);
        Emit(SyncEventKind.Started, null, $"started: {report.Prs} PRs, crash recovery {(report.RecoveredFromCrash ? "ran" : "not needed")}, {report.ConflictsResolved} conflicts resolved");
    }

    private void ObserveStopped()
    {
        SyncLog.Stopped(_logger);
        Emit(SyncEventKind.Stopped, null, "stopped cleanly");
    }

    private void ObserveRedisLost()
    {
        SyncLog.RedisLostData(_logger);
        Emit(SyncEventKind.Recovered, null, "Redis lost its data while the hub ran; rebuilt from git");
    }

    private void ObserveGitChanged(BranchMove move)
    {
        SyncLog.GitChanged(_logger, _cold.Branch, Short(move.Previous), Short(move.Current));
        Emit(SyncEventKind.GitChanged, null, $"{_cold.Branch} moved in git ({Short(move.Previous)} → {Short(move.Current)})", commit: move.Current);
    }

    // The cold store logs which milestone it committed again; this is the event.
    private void ObserveRestored(ColdCommit restored) =>
        Emit(SyncEventKind.ColdCommit, null, $"a milestone dropped from {_cold.Branch} was committed again as {restored.Sha[..10]}", commit: restored.Sha);

    private void MeasureTransition(string kind, string? from, string? to, long? fence, string? commit, long started)
    {
        Metrics.CountTransition(kind);
        Metrics.RecordTransitionDuration(kind, _time.GetElapsedTime(started));
        SyncTracing.Tag(kind, from, to, fence, commit);
    }

    // The one way into the feed.
    private void Emit(SyncEventKind kind, string? prId, string message, string? from = null, string? to = null, string? agent = null, long? fence = null, string? commit = null) =>
        Events.Append(new SyncEvent(kind, _time.GetUtcNow(), prId, message) { From = from, To = to, Agent = agent, Fence = fence, Commit = commit });
}
