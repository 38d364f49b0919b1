using System.ComponentModel;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary><c>thermo heartbeat PR --agent A --lease L [--every D]</c>: keep the lease alive, once or until Ctrl-C.</summary>
internal sealed class HeartbeatCommand : AsyncCommand<HeartbeatCommand.Settings>
{
    public sealed class Settings : AgentSettings
    {
        [CommandOption("--lease <LEASE>")]
        [Description("The lease of your claim (FENCE:ID). Default: THERMO_LEASE.")]
        public string? Lease { get; init; }

        [CommandOption("--every <DURATION>")]
        [Description("Keep beating at this period (e.g. 30s, 2m) until Ctrl-C or until the lease is lost (exit 4).")]
        public string? Every { get; init; }

        [CommandOption("--note <TEXT>")]
        [Description("Leave a handoff note with the lease (one line, at most 500 characters; Redis only, no commit): 'thermo status PR' shows it, and whoever claims the PR after your lease gets it.")]
        public string? Note { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var agent = settings.ResolveAgent();
        var lease = LeaseArgument.Resolve(settings.Lease);
        using var hub = new HubClient(settings.Hub, settings.Token);
        if (settings.Every is null)
        {
            var result = await hub.HeartbeatAsync(settings.Pr, new LeaseRequest(agent, lease, settings.Note), cancellationToken);
            await HubAnswers.HeartbeatAsync(streams, result, settings.Json);
            return 0;
        }

        if (!Durations.TryParse(settings.Every, out var every))
        {
            throw ThermoclineException.Usage($"--every '{settings.Every}' is not a duration; use e.g. 30s, 2m or 500ms.");
        }

        try
        {
            await HeartbeatLoop.RunAsync(hub, settings.Pr, agent, lease, every, streams, quiet: settings.Json, cancellationToken, settings.Note);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return 0;
    }
}
