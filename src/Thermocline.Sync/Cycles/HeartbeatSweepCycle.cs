using Microsoft.Extensions.Logging;

namespace Thermocline.Sync.Cycles;

/// <summary>Sweeps expired hot states every <see cref="SyncOptions.SweepInterval"/> (15 s): their PRs are back at their cold states.</summary>
public sealed class HeartbeatSweepCycle(StateSync sync, TimeProvider time, ILogger<HeartbeatSweepCycle> logger)
    : SyncCycle(sync, sync.Options.SweepInterval, time, logger)
{
    /// <inheritdoc />
    protected override string Name => "expired-heartbeat sweep";

    /// <inheritdoc />
    protected override Task TickAsync(CancellationToken cancellationToken) => Sync.SweepExpiredAsync(cancellationToken);
}
