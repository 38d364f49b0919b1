using System.ComponentModel;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo release PR --agent A --lease L</c>: drop the hot state; the PR is back at its cold state. <c>--stuck FENCE
/// --reason R</c>: a person ends another agent's stuck lease by the fence <c>thermo status</c> shows (as the board does).
/// </summary>
internal sealed class ReleaseCommand : AsyncCommand<ReleaseCommand.Settings>
{
    public sealed class Settings : AgentSettings
    {
        [CommandOption("--lease <LEASE>")]
        [Description("The lease of your claim (FENCE:ID). Default: THERMO_LEASE.")]
        public string? Lease { get; init; }

        [CommandOption("--stuck <FENCE>")]
        [Description("End another agent's stuck lease, the one with this fence (as 'thermo status' shows it); needs --reason. Refused if the PR was claimed again since.")]
        public long? Stuck { get; init; }

        [CommandOption("--reason <TEXT>")]
        [Description("With --stuck: why the lease is stuck (logged with your name).")]
        public string? Reason { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        using var hub = new HubClient(settings.Hub, settings.Token);
        if (settings.Stuck is { } fence)
        {
            if (settings.Lease is not null)
            {
                throw ThermoclineException.Usage("--stuck ends someone else's lease by its fence; --lease releases your own. Pass one of them.");
            }

            var pr = await hub.ReleaseStuckAsync(
                settings.Pr,
                new ReleaseStuckRequest(settings.ResolveAgent(), fence, settings.Reason ?? throw ThermoclineException.Usage("--stuck needs --reason TEXT: why the lease is stuck (it is logged with your name).")),
                cancellationToken);
            if (settings.Json)
            {
                Json.Write(streams.Out, pr);
            }
            else
            {
                await streams.Out.WriteLineAsync($"{pr.Id}: the stuck lease {fence} was ended; it is back at {pr.ColdState}.");
            }

            return 0;
        }

        var result = await hub.ReleaseAsync(
            settings.Pr,
            new LeaseRequest(settings.ResolveAgent(), LeaseArgument.Resolve(settings.Lease)),
            cancellationToken);
        if (settings.Json)
        {
            Json.Write(streams.Out, result);
        }
        else
        {
            await streams.Out.WriteLineAsync(result.Result == "queued"
                ? $"{result.PrId}: release queued (Redis is unreachable; the hub replays it on reconnect)."
                : $"{result.PrId} released; it is back at its cold state.");
        }

        return 0;
    }
}

/// <summary>The lease from <c>--lease</c> or <c>THERMO_LEASE</c> (<c>FENCE:ID</c>, or <c>PR-005:FENCE:ID</c> as the commit hook reads it).</summary>
internal static class LeaseArgument
{
    public static string Resolve(string? flag) => ResolveOptional(flag)
        ?? throw ThermoclineException.Usage("pass the lease your claim printed: --lease FENCE:ID (or set THERMO_LEASE).");

    public static string? ResolveOptional(string? flag) =>
        flag is { Length: > 0 } lease ? lease
        : Environment.GetEnvironmentVariable("THERMO_LEASE") is { Length: > 0 } env ? WithoutPr(env)
        : null;

    // THERMO_LEASE may name the PR for the commit hook (PR-005:17:ID): the lease is what follows it. PR-005:17 names no
    // lease id, so it holds no lease to present (a command that needs one asks for --lease).
    private static string? WithoutPr(string value) =>
        !value.StartsWith("PR-", StringComparison.Ordinal) ? value
        : Domain.Leases.PrLease.TryParse(value, null, out var named, out _) ? named.Lease?.ToString()
        : value;
}
