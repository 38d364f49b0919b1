using Thermocline.Domain.States;
using Thermocline.Sync.Events;
using Thermocline.Sync.Reconciliation;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    [Fact]
    public async Task TransitionAsync_ColdCommit_RaisesEventAndCountsTransitions()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;

        var result = await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);

        var commit = Assert.Single(EventsOf(h, SyncEventKind.ColdCommit));
        Assert.Equal("PR-001", commit.PrId);
        Assert.Contains(result.Commit![..10], commit.Message, StringComparison.Ordinal);
        Assert.Single(EventsOf(h, SyncEventKind.Claimed));
        Assert.Single(EventsOf(h, SyncEventKind.Started));
        Assert.Single(EventsOf(h, SyncEventKind.Hydrated));
        Assert.Equal(1, sync.Metrics.Transitions["cold_to_hot"]);
        Assert.Equal(1, sync.Metrics.Transitions["hot_to_cold"]);
        Assert.Equal(2, sync.Metrics.Transitions["cold_to_cold"]);
        Assert.Equal(2, sync.Metrics.CommitLatency.Count);

        var text = sync.Metrics.RenderPrometheus(h.Hot.QueuedUpdates, h.Hot.IsDegraded, sync.TaskListProblem is not null);
        Assert.Contains("thermocline_transitions_total{kind=\"hot_to_cold\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("thermocline_transitions_total{kind=\"cold_to_cold\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("thermocline_commit_duration_seconds_count 2\n", text, StringComparison.Ordinal);
        foreach (var name in (string[])["thermocline_conflicts_total", "thermocline_display_syncs_total", "thermocline_errors_total 0",
            "thermocline_redis_catch_ups_total 0", "thermocline_queued_hot_updates 0", "thermocline_degraded 0", "thermocline_task_list_broken 0",
            "thermocline_display_sync_duration_seconds", "thermocline_hydration_duration_seconds_count 1", "thermocline_startup_duration_seconds_count 1"])
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReconcileAsync_Conflicts_CountedByKindInPrometheusText()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var other = await h.OpenHotStoreAsync();
        await other.SetColdStateAsync("PR-098", ColdState.Ready, Ct);
        await other.SetColdStateAsync("PR-099", ColdState.Ready, Ct);
        await other.SetColdStateAsync("PR-001", ColdState.Approved, Ct);

        await sync.ReconcileAsync(dryRun: false, Ct);

        var text = sync.Metrics.RenderPrometheus(0, false, false);
        Assert.Contains($"thermocline_conflicts_total{{kind=\"{ConflictKind.Orphaned}\"}} 2\n", text, StringComparison.Ordinal);
        Assert.Contains($"thermocline_conflicts_total{{kind=\"{ConflictKind.ColdStateDiffers}\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(3, EventsOf(h, SyncEventKind.Conflict).Count);
    }

    [Fact]
    public async Task SyncDisplayAsync_Outcomes_CountedInPrometheusText()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct);
        await sync.SyncDisplayAsync(Ct);
        await sync.SyncDisplayAsync(Ct);

        var text = sync.Metrics.RenderPrometheus(0, false, false);

        Assert.Contains("thermocline_display_syncs_total{outcome=\"committed\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("thermocline_display_syncs_total{outcome=\"skipped_unchanged\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("thermocline_display_sync_duration_seconds_count 2\n", text, StringComparison.Ordinal);
        Assert.Single(EventsOf(h, SyncEventKind.DisplaySync));
    }
}
