using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Thermocline.ColdStore;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Sync.Cycles;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Cycles;

/// <summary>The background cycles on fake time: advancing the clock makes them tick.</summary>
public sealed class CycleTests(RedisServerFixture server) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private SyncHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await SyncHarness.CreateAsync(server.ConnectionString);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Advances fake time one period at a time until the cycle has ticked <paramref name="ticks"/> times.</summary>
    private static Task<long> TickAsync(SyncCycle cycle, FakeTimeProvider time, long ticks) =>
        Eventually.ReturnsAsync(
            () =>
            {
                if (cycle.Ticks < ticks)
                {
                    time.Advance(cycle.Period);
                }

                return Task.FromResult(cycle.Ticks);
            },
            t => t >= ticks,
            $"the {cycle.GetType().Name} ticked {ticks} times");

    [Fact]
    public async Task DisplaySyncCycle_TimeAdvanced_WritesTheDisplay()
    {
        var sync = await _h.StartSyncAsync();
        await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct);
        var head = _h.Head();
        var cycle = new DisplaySyncCycle(sync, _h.FakeTime, NullLogger<DisplaySyncCycle>.Instance);
        Assert.Equal(TimeSpan.FromSeconds(30), cycle.Period);

        await cycle.StartAsync(Ct);
        await TickAsync(cycle, _h.FakeTime, 1);
        await cycle.StopAsync(Ct);

        Assert.NotEqual(head, _h.Head());
        Assert.Contains("| PR-001 | in-progress | agent-1 |", TaskList.Parse(_h.HeadTaskList()).HotStateDisplayBody, StringComparison.Ordinal);
        Assert.Equal(0, _h.Counted("thermocline.errors"));
    }

    [Fact]
    public async Task DisplaySyncCycle_ConfiguredInterval_UsedAsPeriod()
    {
        var sync = _h.NewSync(new SyncOptions { DisplayInterval = TimeSpan.FromSeconds(7) });
        await sync.StartAsync(Ct);
        var cycle = new DisplaySyncCycle(sync, _h.FakeTime, NullLogger<DisplaySyncCycle>.Instance);

        Assert.Equal(TimeSpan.FromSeconds(7), cycle.Period);
        await cycle.StartAsync(Ct);
        await TickAsync(cycle, _h.FakeTime, 3);
        await cycle.StopAsync(Ct);

        // Nothing hot and no section: three ticks, no commit.
        Assert.Equal(1, _h.CommitCount());
    }

    [Fact]
    public async Task HeartbeatSweepCycle_TimeAdvanced_SweepsExpiredHotStates()
    {
        var sync = await _h.StartSyncAsync();
        var shortLived = await _h.OpenHotStoreAsync(TimeSpan.FromMilliseconds(200));
        await shortLived.ClaimAsync("PR-001", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        await Eventually.ReturnsAsync(() => _h.Hot.GetAsync("PR-001", Ct), s => !s.IsHot, "PR-001's hot state expired");
        Assert.Contains("PR-001", await _h.Hot.ListHotIndexAsync(Ct));
        var cycle = new HeartbeatSweepCycle(sync, _h.FakeTime, NullLogger<HeartbeatSweepCycle>.Instance);

        await cycle.StartAsync(Ct);
        await TickAsync(cycle, _h.FakeTime, 1);
        await cycle.StopAsync(Ct);

        Assert.Empty(await _h.Hot.ListHotIndexAsync(Ct));
    }

    [Fact]
    public async Task ReconciliationCycle_TimeAdvanced_ResolvesConflicts()
    {
        var sync = await _h.StartSyncAsync();
        var other = await _h.OpenHotStoreAsync();
        await other.SetColdStateAsync("PR-099", ColdState.Ready, Ct);
        await other.SetColdStateAsync("PR-002", ColdState.Approved, Ct);
        var cycle = new ReconciliationCycle(sync, _h.FakeTime, NullLogger<ReconciliationCycle>.Instance);

        await cycle.StartAsync(Ct);
        await TickAsync(cycle, _h.FakeTime, 1);
        await cycle.StopAsync(Ct);

        Assert.DoesNotContain("PR-099", await _h.Hot.ListKnownPrIdsAsync(Ct));
        Assert.Equal(ColdState.Blocked, (await _h.Hot.GetAsync("PR-002", Ct)).ColdState);
        Assert.True((await sync.ReconcileAsync(dryRun: true, Ct)).Clean);
    }

    [Fact]
    public async Task DisplaySyncCycle_EveryTickFails_LoopCarriesOnAndCountsErrors()
    {
        // A coordinator on a cold store that is already closed: every tick throws.
        using var repo = Thermocline.Testing.TempGitRepository.CreateWith(SyncTaskList.Path, SyncTaskList.Build(SyncTaskList.Default));
        var closed = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = repo.WorkDir }, _h.FakeTime);
        await closed.DisposeAsync();
        using var sync = new StateSync(closed, _h.Hot, null, _h.FakeTime, meterFactory: _h.Meters);
        var cycle = new DisplaySyncCycle(sync, _h.FakeTime, NullLogger<DisplaySyncCycle>.Instance);

        await cycle.StartAsync(Ct);
        await TickAsync(cycle, _h.FakeTime, 3);
        await cycle.StopAsync(Ct);

        Assert.True(_h.Counted("thermocline.errors") >= 3, $"{_h.Counted("thermocline.errors")} errors counted");
        Assert.True(sync.Events.Recent().Count(e => e.Kind == SyncEventKind.Error) >= 3, "each failed tick is an error event");
        Assert.NotNull(cycle.ExecuteTask);
        Assert.True(cycle.ExecuteTask!.IsCompletedSuccessfully);
    }
}
