using System.Collections.Concurrent;
using Thermocline.Cli.Client;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Hub.Tests.Crash;

/// <summary>
/// A random mixed workload of several agents against one hub: claims, hot steps, heartbeats, releases, milestones,
/// reviews that approve or break, repairs of broken PRs. Every milestone the hub acknowledges (a response with a
/// commit) is recorded, to be found in git after any crash. With <paramref name="carryOnWhenRefused"/>, a milestone
/// refused as unavailable (the remote away) is retried later instead of ending the agent's round.
/// </summary>
internal sealed class CrashWorkload(Uri hub, int seed, bool carryOnWhenRefused = false)
{
    private static readonly string[] HotSteps = ["planning", "in-progress", "under-review"];

    public ConcurrentBag<(string PrId, string To, string Sha)> Acknowledged { get; } = [];

    public int Operations => _operations;

    /// <summary>Requests refused as unavailable and retried (with carryOnWhenRefused).</summary>
    public int Refused => _refused;

    private int _operations;
    private int _refused;

    /// <summary>Runs <paramref name="agents"/> agents until cancelled or the hub is gone.</summary>
    public Task RunAsync(int agents, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, agents).Select(i => AgentAsync($"crash-agent-{i}", new Random(seed * 31 + i), cancellationToken)));

    private async Task AgentAsync(string name, Random random, CancellationToken cancellationToken)
    {
        using var client = new HubClient(hub.ToString(), null);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await StepAsync(client, name, random, cancellationToken);
                }
                catch (ThermoclineException ex) when (ex.Kind is ErrorKind.LeaseConflict or ErrorKind.InvalidTransition or ErrorKind.Usage)
                {
                    // Races with other agents and lost leases are part of the workload.
                }
                catch (ThermoclineException ex) when (carryOnWhenRefused && ex.Kind == ErrorKind.Unavailable)
                {
                    Interlocked.Increment(ref _refused);
                    await Task.Delay(50, cancellationToken);
                }
            }
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
        {
            // The hub is gone: this agent's round is over.
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StepAsync(HubClient client, string name, Random random, CancellationToken cancellationToken)
    {
        var prs = await client.ListAsync(cancellationToken);
        Interlocked.Increment(ref _operations);
        var broken = prs.Where(p => p.ColdState == "broken" && p.HotState is null).ToList();
        if (broken.Count > 0 && random.Next(4) == 0)
        {
            // cold → cold without a lease
            Record(await client.TransitionAsync(broken[0].Id, new TransitionRequest(name, "planned", null, "repair"), cancellationToken));
            return;
        }

        var claimable = prs.Where(p => p.ClaimableAs.Count > 0).ToList();
        var approved = prs.Where(p => p.ColdState == "approved" && p.HotState is null).ToList();
        if (approved.Count > 0 && (claimable.Count == 0 || random.Next(6) == 0))
        {
            // A regression found after approval keeps work flowing: approved → broken → planned → … (cold → cold)
            var regression = approved[random.Next(approved.Count)];
            Record(await client.TransitionAsync(regression.Id, new TransitionRequest(name, "broken", null, "regression"), cancellationToken));
            return;
        }

        if (claimable.Count == 0)
        {
            await Task.Delay(20, cancellationToken);
            return;
        }

        var pr = claimable[random.Next(claimable.Count)];
        var claim = await client.ClaimAsync(pr.Id, new ClaimRequest(name, pr.ClaimableAs[random.Next(pr.ClaimableAs.Count)]), cancellationToken);
        var state = claim.To;
        for (var steps = random.Next(0, 4); steps > 0; steps--)
        {
            await Task.Delay(random.Next(0, 15), cancellationToken);
            switch (random.Next(4))
            {
                case 0:
                    await client.HeartbeatAsync(pr.Id, new LeaseRequest(name, claim.Lease), cancellationToken);
                    break;
                default:
                    var next = state switch
                    {
                        "investigating" => "planning",
                        "planning" => "in-progress",
                        "in-progress" => "under-review",
                        _ => null,
                    };
                    if (next is not null && HotSteps.Contains(next))
                    {
                        await client.TransitionAsync(pr.Id, new TransitionRequest(name, next, claim.Lease, null), cancellationToken);
                        state = next;
                    }

                    break;
            }
        }

        if (random.Next(8) == 0)
        {
            await client.ReleaseAsync(pr.Id, new LeaseRequest(name, claim.Lease), cancellationToken);
            return;
        }

        var end = state switch
        {
            "investigating" or "planning" => "planned",
            "in-progress" => "completed",
            _ => random.Next(5) == 0 ? "broken" : "approved",
        };
        Record(await client.TransitionAsync(pr.Id, new TransitionRequest(name, end, claim.Lease, "crash test"), cancellationToken));
    }

    private void Record(TransitionView result)
    {
        if (result.Commit is { } sha)
        {
            Acknowledged.Add((result.PrId, result.To, sha));
        }

        if (result.DependencyCommit is { } deps)
        {
            Acknowledged.Add((result.PrId, "dependencies", deps));
        }
    }
}
