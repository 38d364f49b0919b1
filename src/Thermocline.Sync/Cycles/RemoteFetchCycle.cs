using Microsoft.Extensions.Logging;

namespace Thermocline.Sync.Cycles;

/// <summary>
/// Brings others' pushes into the hub's view every <see cref="SyncOptions.FetchInterval"/> (10 s) when the hub has a
/// remote (<see cref="StateSync.FetchRemoteAsync"/>); without one each tick does nothing. A standby hub fetches too.
/// </summary>
public sealed class RemoteFetchCycle(StateSync sync, TimeProvider time, ILogger<RemoteFetchCycle> logger)
    : SyncCycle(sync, sync.Options.FetchInterval, time, logger)
{
    /// <inheritdoc />
    protected override string Name => "remote fetch";

    /// <inheritdoc />
    protected override bool RunsOnStandby => true; // a standby's reads stay as fresh as its fetches

    /// <inheritdoc />
    protected override Task TickAsync(CancellationToken cancellationToken) => Sync.FetchRemoteAsync(cancellationToken);
}
