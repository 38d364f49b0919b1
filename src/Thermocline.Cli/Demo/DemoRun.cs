using System.Collections.Concurrent;
using System.Diagnostics;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Demo;

/// <summary>
/// What the demo's agents share: the current hub (replaced when it is restarted), the milestones the hub
/// acknowledged (to check against git at the end), and the narration.
/// </summary>
internal sealed class DemoRun(CliStreams streams, Stopwatch clock)
{
    private readonly ConcurrentDictionary<string, string> _approved = new(StringComparer.Ordinal);
    private readonly Lock _say = new();
    private volatile HubClient? _hub;

    public ConcurrentQueue<(string PrId, string State, string Sha)> Acknowledged { get; } = new();

    public int Completed => Acknowledged.Count(a => a.State == "completed");

    public bool AllApproved => _approved.Count == DemoTaskList.Count;

    /// <summary>Points the agents at a hub, or (null) makes them wait for one.</summary>
    public void Use(HubClient? hub) => _hub = hub;

    public void Acknowledge(string prId, string state, string sha)
    {
        Acknowledged.Enqueue((prId, state, sha));
        if (state == "approved")
        {
            _approved[prId] = sha;
        }
    }

    public void Say(string who, string what)
    {
        lock (_say)
        {
            streams.Out.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0.0}s] {who,-11} {what}");
        }
    }

    /// <summary>Calls the hub, waiting out a restart (no hub, or a hub that does not answer yet).</summary>
    public async Task<T> CallAsync<T>(Func<HubClient, Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            var hub = _hub;
            if (hub is null)
            {
                await Task.Delay(50, cancellationToken);
                continue;
            }

            try
            {
                return await call(hub);
            }
            catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }
}
