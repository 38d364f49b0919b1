using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Thermocline.Sync.Cycles;

/// <summary>
/// A background loop on a <see cref="PeriodicTimer"/> driven by the injected <see cref="TimeProvider"/> (fake time in
/// tests). One failed tick is logged and counted; the loop carries on. Cancellation ends it only on shutdown.
/// </summary>
public abstract class SyncCycle : BackgroundService
{
    private readonly TimeProvider _time;

    /// <summary>A cycle of <paramref name="sync"/> every <paramref name="period"/>.</summary>
    protected SyncCycle(StateSync sync, TimeSpan period, TimeProvider time, ILogger logger)
    {
        Sync = sync;
        Period = period;
        _time = time;
        Logger = logger;
    }

    /// <summary>The coordinator the cycle drives.</summary>
    protected StateSync Sync { get; }

    /// <summary>The cycle's logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>Time between ticks.</summary>
    public TimeSpan Period { get; }

    /// <summary>Ticks completed (successful or not), for tests and health.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    private long _ticks;

    /// <summary>The cycle's name in logs.</summary>
    protected abstract string Name { get; }

    /// <summary>
    /// True for a cycle that runs on a standby hub of a group too (leadership, fetching the remote); the others tick only
    /// while the hub is active (<see cref="StateSync.IsActive"/>).
    /// </summary>
    protected virtual bool RunsOnStandby => false;

    /// <summary>One tick's work.</summary>
    protected abstract Task TickAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!RunsOnStandby && !Sync.IsActive)
                {
                    continue;
                }

                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Sync.ObserveFailure(Logger, ex, Name, $"{Name} failed: {ex.Message}; it runs again at its next tick");
                }
                finally
                {
                    Interlocked.Increment(ref _ticks);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
