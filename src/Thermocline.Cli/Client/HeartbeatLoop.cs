using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Client;

/// <summary>A lease kept alive from the command line (<c>thermo heartbeat --every</c>, <c>thermo claim --keep-alive</c>).</summary>
internal static class HeartbeatLoop
{
    /// <summary>Heartbeats every <paramref name="every"/> until cancelled; throws when the lease is lost.</summary>
    public static async Task RunAsync(HubClient hub, string pr, string agent, string lease, TimeSpan every, CliStreams streams, bool quiet, CancellationToken cancellationToken, string? note = null)
    {
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                var result = await hub.HeartbeatAsync(pr, new LeaseRequest(agent, lease, note), cancellationToken);
                note = null; // left once; later beats keep it
                if (!quiet)
                {
                    await HubAnswers.HeartbeatAsync(streams, result, json: false);
                }
            }
            catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
            {
                // The hub may be restarting: keep trying until the lease would be lost anyway.
                await streams.Error.WriteLineAsync($"thermo: heartbeat not delivered, retrying: {TerminalText.EscapeKeepingLines(ex.Message)}");
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
