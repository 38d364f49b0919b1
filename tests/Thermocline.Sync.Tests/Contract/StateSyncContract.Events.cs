using Microsoft.Extensions.Diagnostics.Metrics.Testing;
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
        Assert.Equal(1, h.Counted("thermocline.transitions", SyncMetrics.TransitionKindAttribute, "cold-to-hot"));
        Assert.Equal(1, h.Counted("thermocline.transitions", SyncMetrics.TransitionKindAttribute, "hot-to-cold"));
        Assert.Equal(2, h.Counted("thermocline.transitions", SyncMetrics.TransitionKindAttribute, "cold-to-cold")); // the engine's, at start and after
        Assert.Equal(4, h.Counted("thermocline.transitions"));
        var commits = h.Metric<double>("thermocline.commit.duration").GetMeasurementSnapshot();
        Assert.Equal(["dependencies", "milestone"], commits.Select(m => (string)m.Tags[SyncMetrics.CommitKindAttribute]!).Order(StringComparer.Ordinal).Distinct());
        Assert.Equal(2, commits.Count);
        Assert.Equal(["cold-to-hot", "hot-to-cold"], h.Metric<double>("thermocline.transition.duration").GetMeasurementSnapshot().Select(m => (string)m.Tags[SyncMetrics.TransitionKindAttribute]!));
        Assert.Equal(0, h.Counted("thermocline.errors"));
        Assert.Equal(0, h.Counted("thermocline.redis.catch_ups"));
        Assert.Single(h.Metric<double>("thermocline.hydration.duration").GetMeasurementSnapshot());
        Assert.Single(h.Metric<double>("thermocline.startup.duration").GetMeasurementSnapshot());
    }

    [Fact]
    public async Task Gauges_ReadTheStateWhenCollected()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        using var degraded = new MetricCollector<int>(h.Meters, SyncMetrics.MeterName, "thermocline.degraded");
        using var broken = new MetricCollector<int>(h.Meters, SyncMetrics.MeterName, "thermocline.task_list.broken");
        using var queued = new MetricCollector<int>(h.Meters, SyncMetrics.MeterName, "thermocline.hot_updates.queued");

        degraded.RecordObservableInstruments();
        broken.RecordObservableInstruments();
        queued.RecordObservableInstruments();
        Assert.Equal(0, degraded.LastMeasurement!.Value);
        Assert.Equal(0, broken.LastMeasurement!.Value);
        Assert.Equal(0, queued.LastMeasurement!.Value);

        h.PersonCommits("### PR-001: Broken\n---\npr_id: PR-001\ncold_state: nonsense\n---\n", "A bad hand edit");
        await sync.ReconcileAsync(dryRun: false, Ct);
        broken.RecordObservableInstruments();
        Assert.Equal(1, broken.LastMeasurement!.Value);
    }

    [Fact]
    public async Task ReconcileAsync_Conflicts_CountedByKind()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var other = await h.OpenHotStoreAsync();
        await other.SetColdStateAsync("PR-098", ColdState.Ready, Ct);
        await other.SetColdStateAsync("PR-099", ColdState.Ready, Ct);
        await other.SetColdStateAsync("PR-001", ColdState.Approved, Ct);

        await sync.ReconcileAsync(dryRun: false, Ct);

        Assert.Equal(2, h.Counted("thermocline.conflicts", SyncMetrics.ConflictKindAttribute, nameof(ConflictKind.Orphaned)));
        Assert.Equal(1, h.Counted("thermocline.conflicts", SyncMetrics.ConflictKindAttribute, nameof(ConflictKind.ColdStateDiffers)));
        Assert.Equal(3, h.Counted("thermocline.conflicts"));
        Assert.Equal(3, EventsOf(h, SyncEventKind.Conflict).Count);
    }

    [Fact]
    public async Task SyncDisplayAsync_Outcomes_CountedByOutcome()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct);
        await sync.SyncDisplayAsync(Ct);
        await sync.SyncDisplayAsync(Ct);

        Assert.Equal(1, h.Counted("thermocline.display_syncs", SyncMetrics.DisplaySyncOutcomeAttribute, "committed"));
        Assert.Equal(1, h.Counted("thermocline.display_syncs", SyncMetrics.DisplaySyncOutcomeAttribute, "skipped_unchanged"));
        Assert.Equal(2, h.Metric<double>("thermocline.display_sync.duration").GetMeasurementSnapshot().Count);
        Assert.Single(EventsOf(h, SyncEventKind.DisplaySync));
    }
}
