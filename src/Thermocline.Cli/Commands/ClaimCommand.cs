using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo claim PR --agent A [--state S] [--keep-alive [--every D] -- COMMAND…]</c>: take a PR into a hot state and
/// print the lease; with <c>--keep-alive</c>, run COMMAND and heartbeat for it until it exits.
/// </summary>
internal sealed class ClaimCommand : AsyncCommand<ClaimCommand.Settings>
{
    public sealed class Settings : AgentSettings
    {
        [CommandOption("--state <STATE>")]
        [Description("The hot state to claim into: investigating, planning, in-progress or under-review. Default: in-progress from ready/planned, under-review from completed, investigating from broken.")]
        public string? State { get; init; }

        [CommandOption("--keep-alive")]
        [Description("Run the command given after '--' with THERMO_PR, THERMO_AGENT, THERMO_LEASE and THERMO_HUB set, heartbeating the lease until it exits; exit with its exit code.")]
        public bool KeepAlive { get; init; }

        [CommandOption("--every <DURATION>")]
        [Description("Heartbeat period with --keep-alive, e.g. 30s or 2m. Default: 60s.")]
        public string Every { get; init; } = "60s";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var command = context.Remaining.Raw;
        if (settings.KeepAlive && command.Count == 0)
        {
            throw ThermoclineException.Usage("--keep-alive runs a command: put it after '--', e.g. thermo claim PR-005 --agent a1 --keep-alive -- ./work.sh");
        }

        if (!Durations.TryParse(settings.Every, out var every))
        {
            throw ThermoclineException.Usage($"--every '{settings.Every}' is not a duration; use e.g. 30s, 2m or 500ms.");
        }

        var agent = settings.ResolveAgent();
        using var hub = new HubClient(settings.Hub, settings.Token);
        var result = await hub.ClaimAsync(
            settings.Pr, new ClaimRequest(agent, settings.State), cancellationToken);
        await TransitionCommand.Print(streams, result, settings.Json);
        if (!settings.KeepAlive)
        {
            return 0;
        }

        return await RunKeptAliveAsync(hub, result, agent, command, every, streams, cancellationToken);
    }

    private static async Task<int> RunKeptAliveAsync(
        HubClient hub, TransitionView claim, string agent, IReadOnlyList<string> command, TimeSpan every, CliStreams streams, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["THERMO_PR"] = claim.PrId;
        start.Environment["THERMO_AGENT"] = agent;
        start.Environment["THERMO_LEASE"] = claim.Lease;
        start.Environment["THERMO_HUB"] = hub.BaseAddress.ToString().TrimEnd('/');
        using var child = Process.Start(start) ?? throw ThermoclineException.Usage($"could not start '{command[0]}'.");
        using var beating = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HeartbeatCommand.BeatAsync(hub, claim.PrId, agent, claim.Lease!, every, streams, quiet: true, beating.Token);
        try
        {
            var exited = child.WaitForExitAsync(cancellationToken);
            var first = await Task.WhenAny(exited, heartbeats);
            if (first == heartbeats)
            {
                // The lease was lost (or the hub went away): the work must not go on under it.
                child.Kill(entireProcessTree: true);
                await heartbeats;
            }

            await exited;
            return child.ExitCode;
        }
        finally
        {
            await beating.CancelAsync();
            try
            {
                await heartbeats;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
