using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Thermocline.Sync.Cycles;

/// <summary>
/// Reacts to a person's git within about a second instead of at the next reconciliation: waits for the cold store's
/// watcher, lets a burst settle (<see cref="Settle"/>), then runs <see cref="StateSync.OnGitChangedAsync"/>. One failed
/// pass is logged and counted; the loop carries on. Cancellation ends it only on shutdown.
/// </summary>
public sealed class GitWatchCycle(StateSync sync, TimeProvider time, ILogger<GitWatchCycle> logger) : BackgroundService
{
    /// <summary>
    /// How long a burst of git's writes (a checkout, a pull) is let settle before the hub looks. Short: a checkout that
    /// raced a hub commit leaves the hub's previous version in the working copy until then.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(40);

    /// <summary>Passes completed (successful or not), for tests.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    private long _passes;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await sync.WaitForGitChangeAsync(stoppingToken);
                await Task.Delay(Settle, time, stoppingToken);
                try
                {
                    await sync.OnGitChangedAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    sync.ObserveFailure(logger, ex, "git watch", $"git watch failed: {ex.Message}; it looks again at the next change");
                }
                finally
                {
                    Interlocked.Increment(ref _passes);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
