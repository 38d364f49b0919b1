using Microsoft.Extensions.Hosting;
using Thermocline.Sync;
using Thermocline.Sync.Status;

namespace Thermocline.Hub.Hosting;

/// <summary>
/// Starts the state sync before anything is served (recovery first), and stops it last: registered before the
/// cycles, so the host starts it first and stops it after them. A hub of a group recovers only when it takes the lead
/// at its start; one that finds another hub active starts standing by (its leadership cycle takes over later).
/// </summary>
internal sealed class HubLifecycle(StateSync sync) : IHostedService
{
    private StartupReport? _first;

    /// <summary>The start-up (or the last takeover's) recovery report; null while the hub has only stood by.</summary>
    public StartupReport? Report => sync.Options.Group is null ? _first : sync.LastTakeover;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (sync.Options.Group is null)
        {
            _first = await sync.StartAsync(cancellationToken);
        }
        else if (await sync.LeadAsync(cancellationToken))
        {
            await sync.Takeover;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => sync.StopAsync(cancellationToken);
}
