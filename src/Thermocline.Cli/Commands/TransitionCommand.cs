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
        await HubAnswers.TransitionAsync(streams, result, settings.Json);
        return 0;
    }
}
