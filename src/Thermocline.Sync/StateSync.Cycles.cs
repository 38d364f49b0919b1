using System.Diagnostics;
using Thermocline.ColdStore;
using Thermocline.Domain.TaskLists;
using Thermocline.Sync.Events;
using Thermocline.Sync.Reconciliation;

namespace Thermocline.Sync;

public sealed partial class StateSync
{
    /// <summary>
    /// Writes the hot PRs into the task list's "Active work" section. Commits only when the display changed (its
    /// timestamp aside) and never within the quiet period after a cold commit; clears the section when nothing is hot.
    /// Returns null when the task list at HEAD does not parse (nothing is written then).
    /// </summary>
    public async Task<DisplaySyncResult?> SyncDisplayAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var list = await _cold.ReadTaskListAsync(cancellationToken);
        if (!Observe(list))
        {
            Metrics.CountDisplaySync("skipped_task_list_broken");
            return null;
        }

        var hot = await _hot.ListHotAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var items = hot.Select(s =>
        {
            // "Since" must not move with heartbeats, or every cycle would commit: the claim's time, as this hub saw it.
            var since = _claims.TryGetValue(s.PrId, out var c) && c.Fence == s.Fence ? c.Since : _claims.AddOrUpdate(s.PrId, (s.Fence ?? 0, now), (_, _) => (s.Fence ?? 0, now)).Since;
            return new HotWorkItem(s.PrId, s.HotState!.Value, s.Agent ?? "unknown", since);
        }).ToList();

        var result = await WriteGitAsync(() => _cold.SyncDisplayAsync(items, cancellationToken));
        var duration = _time.GetElapsedTime(started);
        Metrics.DisplaySyncDuration.Observe(duration);
        Metrics.CountDisplaySync(result.Outcome switch
        {
            DisplaySyncOutcome.Committed => "committed",
            DisplaySyncOutcome.SkippedRecentColdCommit => "skipped_recent_cold_commit",
            DisplaySyncOutcome.SkippedCheckoutBusy => "skipped_checkout_busy",
            _ => "skipped_unchanged",
        });
        SyncLog.DisplaySync(_logger, result.Outcome.ToString(), items.Count, (long)duration.TotalMilliseconds);
        if (result.Outcome == DisplaySyncOutcome.Committed)
        {
            await _hot.SetLastDisplayUpdateAsync(now, cancellationToken);
            Emit(SyncEventKind.DisplaySync, null, $"display shows {items.Count} hot PRs (commit {result.Commit!.Sha[..10]})", commit: result.Commit!.Sha);
        }

        return result;
    }

    /// <summary>Drops expired hot states from the hot index; those PRs are back at their cold states.</summary>
    public async Task<IReadOnlyList<string>> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        if (!await _hot.IsMarkedRunningAsync(cancellationToken))
        {
            await RecoverLostRedisAsync(cancellationToken);
        }

        var swept = await _hot.SweepExpiredAsync(cancellationToken);
        if (swept.Count > 0)
        {
            foreach (var id in swept)
            {
                _claims.TryRemove(id, out _);
            }

            SyncLog.Swept(_logger, swept.Count, string.Join(", ", swept));
            foreach (var id in swept)
            {
                Emit(SyncEventKind.Swept, id, $"{id}: its lease expired (no heartbeat); back at its cold state");
            }
        }

        return swept;
    }

    /// <summary>
    /// Finds every conflict between Redis and git and, unless <paramref name="dryRun"/>, resolves them (git wins) and
    /// runs the dependency engine. Skipped while the task list at HEAD does not parse: no state is ever cleared
    /// because a PR "disappeared" from a broken file. Milestones the branch lost since the hub last looked (a reset, a
    /// merge committed from a stale copy) are committed again first: git wins only once it holds every promise made.
    /// </summary>
    public async Task<ReconciliationReport> ReconcileAsync(bool dryRun, CancellationToken cancellationToken)
    {
        if (!dryRun)
        {
            await RestoreDroppedAsync(cancellationToken);
        }

        var list = await _cold.ReadTaskListAsync(cancellationToken);
        if (!Observe(list))
        {
            return new ReconciliationReport(dryRun, [], $"{_cold.TaskListPath} at HEAD does not parse: {TaskListProblem}");
        }

        var conflicts = await _reconciliation.DetectAsync(list, cancellationToken);
        Report(conflicts);
        if (!dryRun)
        {
            await RepairWorkingCopyAsync(waitForLock: false, cancellationToken);
            await _reconciliation.ResolveAsync(list, conflicts, cancellationToken);
            await TryApplyDependenciesAsync("reconciliation", cancellationToken);
        }

        return new ReconciliationReport(dryRun, conflicts);
    }

    private void Report(IReadOnlyList<Conflict> conflicts)
    {
        foreach (var c in conflicts)
        {
            Metrics.CountConflict(c.Kind.ToString());
            SyncLog.Conflict(_logger, c.Kind.ToString(), c.PrId, c.Redis, c.Git, c.Resolution);
            Emit(SyncEventKind.Conflict, c.PrId, $"{c.Kind}: Redis {c.Redis ?? "(none)"}, git {c.Git ?? "(none)"}; {c.Resolution}");
        }

        Debug.Assert(conflicts.All(c => c.PrId.Length > 0), "every conflict names a PR");
    }
}
