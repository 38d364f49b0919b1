using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore.Queueing;
using Thermocline.Sync.Cycles;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Outages;

/// <summary>Redis going away and coming back under a running coordinator, on a redis-server of each test's own.</summary>
public sealed class RedisOutageSyncTests : IAsyncLifetime
{
    private readonly List<SyncHarness> _harnesses = [];
    private RedisServer _redis = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(appendOnly: true);

    public async Task DisposeAsync()
    {
        await _redis.KillAsync();
        foreach (var h in _harnesses)
        {
            await h.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    private async Task<SyncHarness> HarnessAsync(bool realTime = true)
    {
        var h = await SyncHarness.CreateAsync(_redis.ConnectionString, options: new HarnessOptions { RealTime = realTime, OperationTimeout = TimeSpan.FromSeconds(1) });
        _harnesses.Add(h);
        return h;
    }

    private async Task KillRedisAsync(SyncHarness h)
    {
        await _redis.KillAsync();
        await Eventually.TrueAsync(() => h.Hot.IsDegraded, "the hot store noticed the outage");
    }

    /// <summary>The cached cold state, or null while the store is still reconnecting.</summary>
    private static async Task<ColdState?> TryGetColdAsync(SyncHarness h, string prId)
    {
        try
        {
            return (await h.Hot.GetAsync(prId, Ct)).ColdState;
        }
        catch (ThermoclineException e) when (e.Kind == ErrorKind.Unavailable)
        {
            return null;
        }
    }

    [Fact]
    public async Task ListAsync_RedisDown_EveryStatusSaysHotStateUnavailable()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct);
        Assert.DoesNotContain(await sync.ListAsync(Ct), s => s.HotStateUnavailable);
        await KillRedisAsync(h);

        var list = await sync.ListAsync(Ct);

        Assert.Equal(7, list.Count);
        Assert.All(list, s => Assert.True(s.HotStateUnavailable));
        Assert.All(await sync.ReadyAsync(Ct), s => Assert.True(s.HotStateUnavailable));

        await _redis.RestartAsync();
        await Eventually.ReturnsAsync(() => sync.ListAsync(Ct), l => l.All(s => !s.HotStateUnavailable), "Redis answers again");
        Assert.Equal(HotState.InProgress, (await sync.ListAsync(Ct)).Single(s => s.Id == "PR-001").HotState);
    }

    [Fact]
    public async Task HotUpdates_RedisDown_QueuedAndReplayedAfterRestart()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var released = (await sync.ClaimAsync("PR-007", "agent-2", HotState.Investigating, Ct)).Lease!;
        await KillRedisAsync(h);

        Assert.Equal(HotWriteResult.Queued, await sync.HeartbeatAsync("PR-001", "agent-1", lease, Ct));
        Assert.Equal(HotWriteResult.Queued, await sync.ReleaseAsync("PR-007", "agent-2", released, Ct));
        Assert.True(h.Hot.QueuedUpdates >= 2);
        using (var degraded = new MetricCollector<int>(h.Meters, SyncMetrics.MeterName, "thermocline.degraded"))
        using (var queued = new MetricCollector<int>(h.Meters, SyncMetrics.MeterName, "thermocline.hot_updates.queued"))
        {
            degraded.RecordObservableInstruments();
            queued.RecordObservableInstruments();
            Assert.Equal(1, degraded.LastMeasurement!.Value);
            Assert.True(queued.LastMeasurement!.Value >= 2, $"{queued.LastMeasurement.Value} queued");
        }

        await _redis.RestartAsync();
        await Eventually.TrueAsync(() => !h.Hot.IsDegraded, "the queue drained after the restart");

        Assert.Equal(HotState.InProgress, (await h.Hot.GetAsync("PR-001", Ct)).HotState);
        Assert.False((await h.Hot.GetAsync("PR-007", Ct)).IsHot);
        Assert.NotNull((await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct)).Commit);
    }

    [Fact]
    public async Task HotToHot_RedisDown_QueuedAndAppliedAfterRestart()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.Investigating, Ct)).Lease!;
        var commits = h.CommitCount();
        await KillRedisAsync(h);

        var step = await sync.TransitionAsync("PR-001", HotState.Planning, "agent-1", lease, null, Ct);

        Assert.True(step.Queued);
        Assert.Null(step.Commit);
        await _redis.RestartAsync();
        await Eventually.TrueAsync(() => !h.Hot.IsDegraded, "the queue drained after the restart");
        Assert.Equal(HotState.Planning, (await h.Hot.GetAsync("PR-001", Ct)).HotState);
        Assert.Equal(commits, h.CommitCount());
    }

    [Fact]
    public async Task ColdToCold_RedisDown_CommitsToGitAndCacheCatchesUp()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        await KillRedisAsync(h);

        var result = await sync.TransitionAsync("PR-005", ColdState.Approved, "qc-1", null, null, Ct);

        Assert.NotNull(result.Commit);
        Assert.Equal(ColdState.Approved, TaskList.Parse(h.HeadTaskList()).Find("PR-005")!.ColdState);
        await _redis.RestartAsync();
        await Eventually.ReturnsAsync(() => TryGetColdAsync(h, "PR-005"), s => s == ColdState.Approved, "Redis cached git's approved");
        await Eventually.TrueAsync(() => !h.Hot.IsDegraded, "the queue drained");
        Assert.True((await sync.ReconcileAsync(dryRun: true, Ct)).Clean);
    }

    [Fact]
    public async Task HotToCold_RedisDown_RefusedAsUnavailableAndNothingCommitted()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var head = h.Head();
        await KillRedisAsync(h);

        var e = await Assert.ThrowsAsync<ThermoclineException>(() => sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Equal(head, h.Head());
        await _redis.RestartAsync();
        await Eventually.TrueAsync(() => !h.Hot.IsDegraded, "reconnected");
        Assert.NotNull((await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct)).Commit);
    }

    [Fact]
    public async Task RedisRestartedEmpty_WhileRunning_ReconcileRehydratesAndFencesStayAboveGit()
    {
        await using var empty = await RedisServer.StartAsync(appendOnly: false);
        var h = await SyncHarness.CreateAsync(empty.ConnectionString, options: new HarnessOptions { OperationTimeout = TimeSpan.FromSeconds(1) });
        _harnesses.Add(h);
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        await sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);

        await empty.RestartAsync();
        await Eventually.ReturnsAsync(async () =>
        {
            try
            {
                return (await h.Hot.GetAsync("PR-002", Ct)).ColdState is null;
            }
            catch (ThermoclineException)
            {
                return false;
            }
        }, lost => lost, "the hot store reconnected to the empty server");

        var report = await sync.ReconcileAsync(dryRun: false, Ct);
        Assert.Contains(report.Conflicts, c => c.PrId == "PR-002");
        Assert.Equal(ColdState.Ready, (await h.Hot.GetAsync("PR-002", Ct)).ColdState);
        var review = await sync.ClaimAsync("PR-001", "agent-2", HotState.UnderReview, Ct);
        Assert.True(review.Lease!.Fence > lease.Fence, $"fence {review.Lease.Fence} after git's {lease.Fence}");
        Assert.True((await sync.ReconcileAsync(dryRun: true, Ct)).Clean);
    }

    [Fact]
    public async Task HeartbeatSweepCycle_RedisDownThenBack_FailingTicksDoNotStopTheLoop()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var shortLived = await h.OpenHotStoreAsync(TimeSpan.FromMilliseconds(200));
        await shortLived.ClaimAsync("PR-001", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        var clock = new FakeTimeProvider(SyncHarness.Start);
        var cycle = new HeartbeatSweepCycle(sync, clock, NullLogger<HeartbeatSweepCycle>.Instance);
        await cycle.StartAsync(Ct);
        await KillRedisAsync(h);

        await Eventually.ReturnsAsync(() =>
        {
            clock.Advance(cycle.Period);
            return Task.FromResult(h.Counted("thermocline.errors"));
        }, errors => errors >= 2, "two ticks failed");

        await _redis.RestartAsync();
        await Eventually.ReturnsAsync(async () =>
        {
            clock.Advance(cycle.Period);
            try
            {
                return await h.Hot.ListHotIndexAsync(Ct);
            }
            catch (ThermoclineException)
            {
                return ["(unreachable)"];
            }
        }, index => index.Count == 0, "a later tick swept the expired PR-001");
        await cycle.StopAsync(Ct);

        Assert.True(cycle.ExecuteTask!.IsCompletedSuccessfully);
    }
}
