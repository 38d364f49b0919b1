using Microsoft.Extensions.Logging;

namespace Thermocline.Sync.Cycles;

/// <summary>Reconciles Redis with git (git wins) every <see cref="SyncOptions.ReconcileInterval"/> (60 s).</summary>
public sealed class ReconciliationCycle(StateSync sync, TimeProvider time, ILogger<ReconciliationCycle> logger)
    : SyncCycle(sync, sync.Options.ReconcileInterval, time, logger)
{
    /// <inheritdoc />
    protected override string Name => "reconciliation";

    /// <inheritdoc />
    protected override Task TickAsync(CancellationToken cancellationToken) => Sync.ReconcileAsync(dryRun: false, cancellationToken);
}
