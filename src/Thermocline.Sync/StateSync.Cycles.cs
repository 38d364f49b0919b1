using System.Diagnostics;
using Thermocline.ColdStore;
using Thermocline.Domain.TaskLists;
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
            ObserveDisplaySync(null, 0, _time.GetElapsedTime(started));
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
        ObserveDisplaySync(result, items.Count, _time.GetElapsedTime(started));
        if (result.Outcome == DisplaySyncOutcome.Committed)
        {
            await _hot.SetLastDisplayUpdateAsync(now, cancellationToken);
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

            ObserveSwept(swept);
        }

        return swept;
    }

    /// <summary>
    /// With a remote (<c>--remote</c>): fetches its branch now, and when someone pushed, follows it at once as after a
    /// person's commit (reconciled, git wins; milestones a force-push dropped restored on top). A remote that does not
    /// answer is kept for the health report, not thrown. Returns whether the remote branch had moved.
    /// </summary>
    public async Task<bool> FetchRemoteAsync(CancellationToken cancellationToken)
    {
        if (_cold.Remote is null || !await _cold.FetchAsync(cancellationToken) || !IsActive)
        {
            return false;
        }

        await OnGitChangedAsync(cancellationToken);
        return true;
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
            ObserveConflict(c);
        }

        Debug.Assert(conflicts.All(c => c.PrId.Length > 0), "every conflict names a PR");
    }
}
