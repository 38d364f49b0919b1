using System.ComponentModel;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary><c>thermo transition PR STATE --agent A [--lease L] [--reason R]</c>: any allowed transition.</summary>
internal sealed class TransitionCommand : AsyncCommand<TransitionCommand.Settings>
{
    public sealed class Settings : AgentSettings
    {
        [CommandArgument(1, "<STATE>")]
        [Description("The target state: new, ready, blocked, planned, completed, approved, broken (cold) or investigating, planning, in-progress, under-review (hot).")]
        public string State { get; init; } = "";

        [CommandOption("--lease <LEASE>")]
        [Description("The lease of your claim (FENCE:ID), needed while the PR is hot. Default: THERMO_LEASE.")]
        public string? Lease { get; init; }

        [CommandOption("--reason <TEXT>")]
        [Description("Why, for the milestone commit (one line, at most 200 characters kept).")]
        public string? Reason { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        using var hub = new HubClient(settings.Hub, settings.Token);
        var lease = LeaseArgument.ResolveOptional(settings.Lease);
        var result = await hub.TransitionAsync(
            settings.Pr,
            new TransitionRequest(settings.ResolveAgent(), settings.State, lease, settings.Reason),
            cancellationToken);
        await Print(streams, result, settings.Json);
        return 0;
    }

    public static async Task Print(CliStreams streams, TransitionView result, bool json)
    {
        if (json)
        {
            Json.Write(streams.Out, result);
            return;
        }

        if (result.NoOp)
        {
            await streams.Out.WriteLineAsync(result.Commit is { } done
                ? $"{result.PrId} is already {result.To}: this milestone was committed before as {done[..10]}; nothing changed."
                : $"{result.PrId} is already {result.To}; nothing changed.");
            return;
        }

        if (result.Queued)
        {
            await streams.Out.WriteLineAsync($"{result.PrId} → {result.To} queued: Redis is unreachable; the hub replays it (checking your lease) on reconnect.");
            return;
        }

        await streams.Out.WriteLineAsync($"{result.PrId}: {result.From} → {result.To}" + (result.Commit is { } sha ? $" (commit {sha[..10]})" : " (Redis only, no commit)"));
        if (result.Lease is { } lease && result.Kind == "cold-to-hot")
        {
            await streams.Out.WriteLineAsync($"lease {lease}");
            await streams.Out.WriteLineAsync($"keep it alive: thermo heartbeat {result.PrId} --agent NAME --lease {lease} --every 60s" +
                (result.LeaseTtlSeconds is { } ttl ? $" (it lives {Durations.Format(ttl)} after each heartbeat)" : ""));
            if (result.Handoff is { } note)
            {
                await streams.Out.WriteLineAsync(StatusCommand.NoteLine("handoff", note));
            }
        }

        foreach (var change in result.DependencyChanges)
        {
            await streams.Out.WriteLineAsync($"  unlocked by dependencies: {change}");
        }
    }
}
