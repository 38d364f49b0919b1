using Microsoft.Extensions.Hosting;
using Thermocline.Sync;
using Thermocline.Sync.Status;

namespace Thermocline.Hub.Hosting;

/// <summary>
/// Starts the state sync before anything is served (recovery first), and stops it last: registered before the
/// cycles, so the host starts it first and stops it after them.
/// </summary>
internal sealed class HubLifecycle(StateSync sync) : IHostedService
{
    public StartupReport? Report { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken) => Report = await sync.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => sync.StopAsync(cancellationToken);
}
