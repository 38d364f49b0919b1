using Thermocline.ColdStore;
using Thermocline.Domain.Errors;
using Thermocline.Sync.Reconciliation;
using Thermocline.Sync.Status;

namespace Thermocline.Sync;

public sealed partial class StateSync
{
    /// <summary>
    /// Marks the hub as running (finding the mark already set means the last run crashed), hydrates Redis from git,
    /// re-seeds lease fencing numbers from git's milestones after a crash or wipe, resolves every conflict (git wins)
    /// and applies the dependency engine. When the task list at HEAD does not parse, nothing is hydrated or cleared.
    /// </summary>
    public async Task<StartupReport> StartAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var step = started;
        _cold.StartWatching(); // a person's git from now on is seen, even before the watch cycle runs
        // Redis's flag says so, or the durable mark beside git does (Redis may have been wiped before the crash).
        var crashedOnDisk = _cold.MarkHubRunning();
        var empty = await _hot.HoldsNoPrsAsync(cancellationToken);
        var recovered = await _hot.MarkHubRunningAsync(cancellationToken) | crashedOnDisk;
        await LoadFenceCeilingAsync(cancellationToken);
        if (recovered)
        {
            SyncLog.RecoveringFromCrash(_logger);
        }

        step = LogStep(step, "running marks and the fence ceiling read");

        // A crash between a commit and the working-copy update leaves a stale copy that would revert the milestone, and
        // edits owed to a copy that could not take them are still owed after a stop. Milestones a person's reset dropped
        // while no hub ran are committed again.
        await RepairWorkingCopyAsync(waitForLock: true, cancellationToken);
        step = LogStep(step, "working copy checked");
        await RestoreDroppedAsync(cancellationToken);
        step = LogStep(step, "dropped milestones looked for");

        var list = await ReadGitAsync(cancellationToken);
        step = LogStep(step, list is null ? "the task list at HEAD read (it does not parse)" : $"the task list at HEAD read: {list.Prs.Count} PRs");
        if (list is null)
        {
            var broken = new StartupReport(recovered, 0, 0, 0, _time.GetElapsedTime(started), TaskListProblem);
            ObserveStarted(broken, withoutTaskList: true);
            return broken;
        }

        await _hot.HydrateAsync(list.Prs, cancellationToken);
        ObserveHydrated(list.Prs.Count, _time.GetElapsedTime(step));
        step = LogStep(step, $"Redis hydrated with {list.Prs.Count} PRs");

        // A Redis that held no PR now holds git's state and nothing else: there is nothing to compare (the reconciliation
        // cycle looks again soon).
        IReadOnlyList<Conflict> conflicts = [];
        if (!empty)
        {
            conflicts = await _reconciliation.DetectAsync(list, cancellationToken);
            Report(conflicts);
            await _reconciliation.ResolveAsync(list, conflicts, cancellationToken);
            step = LogStep(step, $"reconciled, {conflicts.Count} conflicts resolved");
        }

        var dependencies = await ApplyDependenciesAsync("start-up", cancellationToken);
        LogStep(step, $"dependency engine settled {dependencies.Changes.Count} changes");

        var report = new StartupReport(recovered, list.Prs.Count, conflicts.Count, dependencies.Changes.Count, _time.GetElapsedTime(started), TaskListProblem);
        ObserveStarted(report, withoutTaskList: false);
        return report;
    }

    // One line per start-up step, so a long start on a big list shows where it is; returns the next step's start.
    private long LogStep(long since, string step)
    {
        SyncLog.StartupStep(_logger, step, (long)_time.GetElapsedTime(since).TotalMilliseconds);
        return _time.GetTimestamp();
    }

    /// <summary>
    /// Clean shutdown: a final display sync, then the "recovery needed" mark is cleared. Each step is tried on its
    /// own; a failure is logged and the next start recovers as after a crash.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!IsActive)
        {
            return; // a standby wrote nothing, and the crash mark is the active hub's
        }

        try
        {
            await SyncDisplayAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SyncLog.ShutdownStepFailed(_logger, ex, "final display sync");
        }

        try
        {
            await _hot.MarkHubStoppedAsync(cancellationToken);
            _cold.MarkHubStopped();
            ObserveStopped();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SyncLog.ShutdownStepFailed(_logger, ex, "clear sync:crash_recovery_needed");
        }

        try
        {
            await ResignAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SyncLog.ShutdownStepFailed(_logger, ex, "give up the leader lease");
        }
    }

    /// <summary>
    /// Redis lost its data while the hub runs (a FLUSHALL, a restart without persistence): handled as after a crash. The
    /// hub marks itself running again, rebuilds Redis from git and reconciles. Fences need nothing: every claim is above
    /// the hot store's fence floor, which this process holds.
    /// </summary>
    private async Task RecoverLostRedisAsync(CancellationToken cancellationToken)
    {
        ObserveRedisLost();
        await _hot.MarkHubRunningAsync(cancellationToken);
        if (await ReadGitAsync(cancellationToken) is { } list)
        {
            await _hot.HydrateAsync(list.Prs, cancellationToken);
        }

        await ReconcileAsync(dryRun: false, cancellationToken);
    }

    /// <summary>Waits until git or the working-tree task list changes (see <see cref="GitColdStore.WaitForChangeAsync"/>).</summary>
    public Task WaitForGitChangeAsync(CancellationToken cancellationToken) => _cold.WaitForChangeAsync(cancellationToken);

    /// <summary>
    /// A person's git moved (the watcher saw HEAD, the index, a ref or the task list change): the working copy is repaired
    /// when it owes an edit or holds a stale version, and when the branch moved — a person's commit, pull, merge, reset,
    /// amend — Redis is reconciled with it at once (git wins; new PRs appear, deleted ones go, dependencies run).
    /// </summary>
    public async Task OnGitChangedAsync(CancellationToken cancellationToken)
    {
        if (!IsActive)
        {
            return; // the active hub follows git; a standby reads what it fetched
        }

        await RepairWorkingCopyAsync(waitForLock: false, cancellationToken);
        if (await _cold.BranchMovedAsync(cancellationToken) is not { } move)
        {
            return;
        }

        ObserveGitChanged(move);
        await ReconcileAsync(dryRun: false, cancellationToken);
    }

    // A reset or an aborted merge/rebase that took the branch back past acknowledged milestones, or a merge committed from
    // a copy older than one: they are promises made to agents, so they are committed again (to undo one, change its
    // cold_state in a commit of its own instead).
    private async Task RestoreDroppedAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await _cold.BranchMovedAsync(cancellationToken) is { } move)
            {
                await RestoreDroppedAsync(move, cancellationToken);
            }
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
        {
            SyncLog.RepairDeferred(_logger, ex.Message); // a person's merge in progress: the watcher tries again when it ends
        }
    }

    private async Task RestoreDroppedAsync(BranchMove move, CancellationToken cancellationToken)
    {
        foreach (var restored in await WriteGitAsync(() => _cold.RestoreDroppedMilestonesAsync(move.Previous, cancellationToken)))
        {
            ObserveRestored(restored);
        }
    }

    private static string Short(string? sha) => sha is null ? "(none)" : sha[..Math.Min(10, sha.Length)];

    // Best effort: a person's git holding the index or an operation in progress means "later", not an error.
    private async Task RepairWorkingCopyAsync(bool waitForLock, CancellationToken cancellationToken)
    {
        try
        {
            await _cold.RepairWorkingCopyAsync(waitForLock, cancellationToken);
        }
        catch (ThermoclineException ex) when (ex.Kind is ErrorKind.Unavailable or ErrorKind.BadTaskList)
        {
            SyncLog.RepairDeferred(_logger, ex.Message);
        }
    }
}
