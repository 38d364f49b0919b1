using System.Text.Json;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.Failover;

/// <summary>
/// Agents working a <see cref="HubGroup"/> through the real <c>thermo</c> binary (<c>THERMO_HUB</c> naming both hubs, so
/// the CLI follows the active one), all at once, each in a loop with a
/// little think time (50–150 ms, from a <see cref="Random"/> seeded per agent): claim the next PR or a ready one it picked,
/// maybe a hot step, maybe a heartbeat, then a milestone (a cold state) or a release. A milestone refused as unavailable
/// is tried again a few times, then the PR released. With nothing claimable, an approved PR is found broken (cold → cold,
/// no lease) so work keeps coming. Everything the hub answered goes into <see cref="Ledger"/>. <see cref="PauseAsync"/>
/// holds every agent at its next command (leases kept) until <see cref="Resume"/>, so checks see no command in flight.
/// </summary>
internal sealed class GroupLoad(HubGroup group, int seed)
{
    private readonly object _gate = new();
    private TaskCompletionSource? _paused;
    private TaskCompletionSource? _drained;
    private int _inFlight;

    public LoadLedger Ledger { get; } = new();

    /// <summary>Runs <paramref name="agents"/> agents until <paramref name="stop"/> (each ends after its current command).</summary>
    public Task RunAsync(int agents, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(1, agents).Select(i => Task.Run(() => AgentAsync($"agent-{i}", new Random(seed + i), stop), CancellationToken.None)));

    /// <summary>Holds every agent before its next command; completes once no command is in flight.</summary>
    public Task PauseAsync()
    {
        lock (_gate)
        {
            _paused ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight == 0)
            {
                return Task.CompletedTask;
            }

            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    /// <summary>Lets the agents go on.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _paused?.TrySetResult();
            (_paused, _drained) = (null, null);
        }
    }

    private async Task AgentAsync(string agent, Random random, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await ThinkAsync(random, stop);
                if (await ClaimAsync(agent, random, stop) is { } holding)
                {
                    await WorkAsync(holding, random, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task<Holding?> ClaimAsync(string agent, Random random, CancellationToken stop)
    {
        string[] claim = ["claim", "--next", "--ttl", "30s", "--json"];
        if (random.Next(3) == 0)
        {
            var ready = await RunAsync(agent, "ready", [0, 69], ["ready", "--json"], stop);
            if (ready.Run.ExitCode != 0)
            {
                return null;
            }

            var offered = JsonDocument.Parse(ready.Run.Out).RootElement.EnumerateArray()
                .Where(p => p.GetProperty("claimableAs").GetArrayLength() > 0).ToList();
            if (offered.Count == 0)
            {
                return null;
            }

            var pr = offered[random.Next(offered.Count)];
            var states = pr.GetProperty("claimableAs").EnumerateArray().Select(s => s.GetString()!).ToList();
            claim = ["claim", pr.GetProperty("id").GetString()!, "--state", states[random.Next(states.Count)], "--ttl", "30s", "--json"];
            await ThinkAsync(random, stop);
        }

        var (run, sent, answered) = await RunAsync(agent, "claim", [0, 3, 4, 69, 75], claim, stop);
        if (run.ExitCode == 75)
        {
            await FindARegressionAsync(agent, random, stop);
            return null;
        }

        if (run.ExitCode != 0)
        {
            return null;
        }

        var view = JsonDocument.Parse(run.Out).RootElement;
        var lease = new LeaseRecord(view.GetProperty("prId").GetString()!, view.GetProperty("fence").GetInt64(), agent, view.GetProperty("lease").GetString()!, sent, answered);
        Ledger.Leases.Enqueue(lease);
        return new Holding(lease, view.GetProperty("to").GetString()!);
    }

    private async Task WorkAsync(Holding holding, Random random, CancellationToken stop)
    {
        var lease = holding.Lease;
        if (random.Next(2) == 0 && NextHot(holding.State) is { } next)
        {
            await ThinkAsync(random, stop);
            var (run, sent, answered) = await RunAsync(lease.Agent, "hot-step", [0, 3, 4, 69], ["transition", lease.PrId, next, "--lease", lease.Lease, "--json"], stop);
            switch (run.ExitCode)
            {
                case 0:
                    if (!JsonDocument.Parse(run.Out).RootElement.GetProperty("queued").GetBoolean())
                    {
                        lease.Used("hot step", sent, answered);
                    }

                    holding.State = next; // queued or not: a queued step is replayed under the lease
                    break;
                case 4:
                    lease.Ending = "lost: " + run.Error.Trim();
                    return;
                case 3:
                    await ReleaseAsync(lease, random, stop); // the hot state is not what this agent thought
                    return;
            }
        }

        if (random.Next(3) == 0)
        {
            await ThinkAsync(random, stop);
            var (run, sent, answered) = await RunAsync(lease.Agent, "heartbeat", [0, 4, 69], ["heartbeat", lease.PrId, "--lease", lease.Lease, "--json"], stop);
            if (run.ExitCode == 4)
            {
                lease.Ending = "lost: " + run.Error.Trim();
                return;
            }

            if (run.ExitCode == 0 && JsonDocument.Parse(run.Out).RootElement.GetProperty("result").GetString() == "applied")
            {
                lease.Used("heartbeat", sent, answered);
            }
        }

        await ThinkAsync(random, stop);
        if (random.Next(8) == 0)
        {
            await ReleaseAsync(lease, random, stop);
            return;
        }

        var to = holding.State switch
        {
            "investigating" or "planning" => "planned",
            "in-progress" => "completed",
            _ => random.Next(5) < 2 ? "approved" : "broken",
        };
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var (run, sent, answered) = await RunAsync(lease.Agent, "milestone", [0, 3, 4, 69], ["transition", lease.PrId, to, "--lease", lease.Lease, "--reason", "load", "--json"], stop);
            switch (run.ExitCode)
            {
                case 0:
                    if (Acknowledged(run, lease.Agent, lease.Fence, sent, answered) is { NoOp: false })
                    {
                        lease.Used("milestone", sent, answered);
                    }

                    lease.Ending = "milestone";
                    return;
                case 4:
                    lease.Ending = "lost: " + run.Error.Trim();
                    return;
                case 3:
                    await ReleaseAsync(lease, random, stop);
                    return;
                default:
                    await Task.Delay(random.Next(200, 400), stop); // unavailable (a failover, the remote away): again soon
                    break;
            }
        }

        await ReleaseAsync(lease, random, stop);
    }

    private async Task ReleaseAsync(LeaseRecord lease, Random random, CancellationToken stop)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (run, sent, answered) = await RunAsync(lease.Agent, "release", [0, 4, 69], ["release", lease.PrId, "--lease", lease.Lease, "--json"], stop);
            if (run.ExitCode == 0)
            {
                lease.Used("release", sent, answered);
                lease.Ending = "released";
                return;
            }

            if (run.ExitCode == 4)
            {
                lease.Ending = "lost: " + run.Error.Trim();
                return;
            }

            await Task.Delay(random.Next(200, 400), stop);
        }

        lease.Ending = "abandoned (the hub did not answer)";
    }

    // Nothing claimable: a regression found in an approved PR (approved → broken, cold → cold) brings it back.
    private async Task FindARegressionAsync(string agent, Random random, CancellationToken stop)
    {
        var status = await RunAsync(agent, "status", [0, 69], ["status", "--json"], stop);
        if (status.Run.ExitCode != 0)
        {
            return;
        }

        var approved = JsonDocument.Parse(status.Run.Out).RootElement.EnumerateArray()
            .Where(p => p.GetProperty("coldState").GetString() == "approved" && p.GetProperty("hotState").ValueKind == JsonValueKind.Null)
            .Select(p => p.GetProperty("id").GetString()!).ToList();
        if (approved.Count == 0)
        {
            return;
        }

        await ThinkAsync(random, stop);
        var (run, sent, answered) = await RunAsync(agent, "regression", [0, 3, 4, 69], ["transition", approved[random.Next(approved.Count)], "broken", "--reason", "regression", "--json"], stop);
        if (run.ExitCode == 0)
        {
            Acknowledged(run, agent, null, sent, answered);
        }
    }

    private AcknowledgedMilestone? Acknowledged(ThermoRun run, string agent, long? fence, double sent, double answered)
    {
        var view = JsonDocument.Parse(run.Out).RootElement;
        if (view.GetProperty("commit").GetString() is not { } commit)
        {
            // Two agents found the same regression: the second is told the PR is broken already, nothing committed.
            if (fence is not null || !view.GetProperty("noOp").GetBoolean())
            {
                Ledger.Unexpected.Enqueue($"a milestone answered without a commit: {run}");
            }

            return null;
        }

        var milestone = new AcknowledgedMilestone(
            view.GetProperty("prId").GetString()!,
            view.GetProperty("from").GetString()!,
            view.GetProperty("to").GetString()!,
            view.GetProperty("fence").ValueKind == JsonValueKind.Number ? view.GetProperty("fence").GetInt64() : fence,
            agent,
            commit,
            view.TryGetProperty("dependencyCommit", out var deps) ? deps.GetString() : null,
            view.TryGetProperty("pushedTo", out var pushed) ? pushed.GetString() : null,
            view.GetProperty("noOp").GetBoolean(),
            sent,
            answered,
            Ledger.Phase);
        if (!milestone.NoOp && milestone.PushedTo != "origin/main")
        {
            Ledger.Unexpected.Enqueue($"a milestone acknowledged without saying it was pushed to origin/main: {run}");
        }

        Ledger.Milestones.Enqueue(milestone);
        return milestone;
    }

    private async Task<(ThermoRun Run, double Sent, double Answered)> RunAsync(string agent, string command, int[] expected, string[] args, CancellationToken stop)
    {
        await EnterAsync(stop);
        try
        {
            var sent = Ledger.Now;
            var run = await Thermo.RunAsync(group.Repo.ConfigHome, group.Repo.WorkDir, args, new Dictionary<string, string> { ["THERMO_HUB"] = group.Urls, ["THERMO_AGENT"] = agent });
            var answered = Ledger.Now;
            Ledger.Count(command, run.ExitCode, run.Error, answered - sent);
            if (!expected.Contains(run.ExitCode))
            {
                Ledger.Unexpected.Enqueue($"{agent}: thermo {string.Join(' ', args)} at {sent:0} ms ({Ledger.Phase}): {run}");
            }

            return (run, sent, answered);
        }
        finally
        {
            Exit();
        }
    }

    private async Task EnterAsync(CancellationToken stop)
    {
        while (true)
        {
            Task paused;
            lock (_gate)
            {
                if (_paused is null)
                {
                    _inFlight++;
                    return;
                }

                paused = _paused.Task;
            }

            await paused.WaitAsync(stop);
        }
    }

    private void Exit()
    {
        lock (_gate)
        {
            if (--_inFlight == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    private static string? NextHot(string state) => state switch
    {
        "investigating" => "planning",
        "planning" => "in-progress",
        "in-progress" => "under-review",
        _ => null,
    };

    private static Task ThinkAsync(Random random, CancellationToken stop) => Task.Delay(random.Next(50, 151), stop);

    /// <summary>A lease an agent holds, and the hot state it believes the PR is in.</summary>
    private sealed class Holding(LeaseRecord lease, string state)
    {
        public LeaseRecord Lease { get; } = lease;

        public string State { get; set; } = state;
    }
}
