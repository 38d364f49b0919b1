using System.ComponentModel;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo status [PR]</c>: every PR (or one) with cold state, hot state, agent and heartbeat age. While Redis is
/// unreachable the hot columns are unknown: it says so on stderr and exits 69. While the task list does not parse it
/// shows the last good one, says so, and exits 0.
/// </summary>
internal sealed class StatusCommand : AsyncCommand<StatusCommand.Settings>
{
    public sealed class Settings : HubSettings
    {
        [CommandArgument(0, "[PR]")]
        [Description("Show only this PR.")]
        public string? Pr { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        using var hub = new HubClient(settings.Hub, settings.Token);
        List<PrView> prs = settings.Pr is { } id
            ? [await hub.GetAsync(id, cancellationToken)]
            : await hub.ListAsync(cancellationToken);
        if (settings.Json)
        {
            if (settings.Pr is null)
            {
                Json.Write(streams.Out, prs);
            }
            else
            {
                Json.Write(streams.Out, prs[0]);
            }

            return await BoardWarnings.ReportAsync(prs, streams, staleExitCode: ExitCodes.Ok);
        }

        await streams.Out.WriteAsync(HubAnswers.Board(prs));
        if (settings.Pr is not null && prs[0].Note is { } note)
        {
            await streams.Out.WriteLineAsync(HubAnswers.NoteLine("note", note));
        }

        if (settings.Pr is not null && prs[0].ReservedPaths is { Count: > 0 } reserved)
        {
            await streams.Out.WriteLineAsync($"reserved: {string.Join(", ", reserved.Select(TerminalText.Escape))}");
        }

        foreach (var line in HubAnswers.PathWaits(prs))
        {
            await streams.Out.WriteLineAsync(line);
        }

        var hot = prs.Count(p => p.HotState is not null);
        await streams.Out.WriteLineAsync(prs.Any(p => p.HotStateUnavailable) ? $"{prs.Count} PRs, hot state unknown (Redis unreachable)" : $"{prs.Count} PRs, {hot} hot");
        return await BoardWarnings.ReportAsync(prs, streams, staleExitCode: ExitCodes.Ok);
    }
}
