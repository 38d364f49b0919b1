using Microsoft.Extensions.Logging;

namespace Thermocline.Sync.Cycles;

/// <summary>
/// A hub of a group (<see cref="SyncOptions.Group"/>) renews its lead, or tries to take it, every fifth of the leader
/// lease's TTL (<see cref="StateSync.LeadAsync"/>): a standby takes over within about a TTL of the active hub's death.
/// </summary>
public sealed class LeadershipCycle(StateSync sync, TimeProvider time, ILogger<LeadershipCycle> logger)
    : SyncCycle(sync, (sync.Options.Group?.LeaseTtl ?? TimeSpan.FromSeconds(5)) / 5, time, logger)
{
    /// <inheritdoc />
    protected override string Name => "leadership";

    /// <inheritdoc />
    protected override bool RunsOnStandby => true;

    /// <inheritdoc />
    protected override Task TickAsync(CancellationToken cancellationToken) => Sync.LeadAsync(cancellationToken);
}
