using Microsoft.Extensions.Logging;

namespace Thermocline.Sync.Cycles;

/// <summary>Writes the "Active work" display into the task list every <see cref="SyncOptions.DisplayInterval"/> (30 s).</summary>
public sealed class DisplaySyncCycle(StateSync sync, TimeProvider time, ILogger<DisplaySyncCycle> logger)
    : SyncCycle(sync, sync.Options.DisplayInterval, time, logger)
{
    /// <inheritdoc />
    protected override string Name => "display sync";

    /// <inheritdoc />
    protected override Task TickAsync(CancellationToken cancellationToken) => Sync.SyncDisplayAsync(cancellationToken);
}
