using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Demo;

/// <summary>
/// A simulated agent of the demo. Workers take ready PRs through investigating → planning → in-progress →
/// completed; a reviewer takes completed PRs through under-review → approved. Each waits out a hub restart and
/// re-claims when a crash cost it its lease.
/// </summary>
internal sealed class DemoAgent(string name, bool reviewer, DemoRun run)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var random = new Random(name.GetHashCode(StringComparison.Ordinal));
        while (!run.AllApproved)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pick = await PickAsync(cancellationToken);
            if (pick is null)
            {
                await Task.Delay(60, cancellationToken);
                continue;
            }

            try
            {
                await (reviewer ? ReviewAsync(pick, random, cancellationToken) : WorkAsync(pick, random, cancellationToken));
            }
            catch (ThermoclineException ex) when (ex.Kind is ErrorKind.LeaseConflict or ErrorKind.InvalidTransition)
            {
                run.Say(name, $"{pick.Id}: {Short(ex.Message)} — moving on");
            }
        }
    }

    private async Task<PrView?> PickAsync(CancellationToken cancellationToken)
    {
        var ready = await run.CallAsync(hub => hub.ReadyAsync(cancellationToken), cancellationToken);
        var wanted = ready.Where(p => reviewer ? p.ColdState == "completed" : p.ColdState is "ready" or "planned").ToList();
        return wanted.Count == 0 ? null : wanted[Math.Abs(name.GetHashCode(StringComparison.Ordinal)) % wanted.Count];
    }

    private async Task WorkAsync(PrView pr, Random random, CancellationToken cancellationToken)
    {
        var start = pr.ColdState == "planned" ? "in-progress" : "investigating";
        var claim = await run.CallAsync(hub => hub.ClaimAsync(pr.Id, new ClaimRequest(name, start), cancellationToken), cancellationToken);
        run.Say(name, $"claimed {pr.Id} ({pr.Title}) → {start}, lease {claim.Fence}");
        foreach (var next in start == "investigating" ? new[] { "planning", "in-progress" } : [])
        {
            await Task.Delay(random.Next(40, 120), cancellationToken);
            await StepAsync(pr.Id, next, claim.Lease!, cancellationToken);
        }

        await Task.Delay(random.Next(60, 160), cancellationToken);
        await run.CallAsync(hub => hub.HeartbeatAsync(pr.Id, new LeaseRequest(name, claim.Lease), cancellationToken), cancellationToken);
        var done = await StepAsync(pr.Id, "completed", claim.Lease!, cancellationToken);
        run.Acknowledge(pr.Id, "completed", done.Commit!);
        run.Say(name, $"{pr.Id} completed (commit {done.Commit![..7]})" + (done.DependencyChanges.Count > 0 ? $"; unlocked {string.Join(", ", done.DependencyChanges.Select(c => c.Split(':')[0]))}" : ""));
    }

    private async Task ReviewAsync(PrView pr, Random random, CancellationToken cancellationToken)
    {
        var claim = await run.CallAsync(hub => hub.ClaimAsync(pr.Id, new ClaimRequest(name, "under-review"), cancellationToken), cancellationToken);
        await Task.Delay(random.Next(40, 100), cancellationToken);
        var done = await StepAsync(pr.Id, "approved", claim.Lease!, cancellationToken);
        run.Acknowledge(pr.Id, "approved", done.Commit!);
        run.Say(name, $"reviewed and approved {pr.Id} (commit {done.Commit![..7]})");
    }

    private Task<TransitionView> StepAsync(string pr, string state, string lease, CancellationToken cancellationToken) =>
        run.CallAsync(hub => hub.TransitionAsync(pr, new TransitionRequest(name, state, lease, null), cancellationToken), cancellationToken);

    private static string Short(string message) => message.Length > 110 ? message[..110] + "…" : message;
}
