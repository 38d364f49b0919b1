using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo ready</c>: the PRs an agent may claim now, dependency-aware, by priority; under them, any PR kept back because
/// its files overlap another lease's reserved paths, and why. A decision, so it exits 65 while
/// the task list does not parse (showing the last good one) and 69 while Redis is unreachable, each with a warning.
/// </summary>
internal sealed class ReadyCommand : AsyncCommand<HubSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, HubSettings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        using var hub = new HubClient(settings.Hub, settings.Token);
        var prs = await hub.ReadyAsync(cancellationToken);
        if (settings.Json)
        {
            Json.Write(streams.Out, prs);
            return await BoardWarnings.ReportAsync(prs, streams, staleExitCode: ExitCodes.BadTaskList);
        }

        var table = new TextTable("PR", "PRIORITY", "COLD", "CLAIM AS", "TITLE");
        foreach (var p in prs)
        {
            table.Add(p.Id, p.Priority, p.ColdState, string.Join(",", p.ClaimableAs), p.Title);
        }

        await streams.Out.WriteAsync(table.ToString());
        await streams.Out.WriteLineAsync(prs.Count == 0 ? "nothing to claim right now" : $"{prs.Count} PRs ready; claim one with: thermo claim {prs[0].Id} --agent NAME");

        // Say why a PR is missing from the offer when a reservation keeps it back: only then is the whole board read. Without
        // Redis there are no reservations to read, and the warning below says why the offer is in doubt.
        if (!prs.Any(p => p.HotStateUnavailable) && (await hub.ReservationsAsync(cancellationToken)).Count > 0)
        {
            foreach (var line in HubAnswers.PathWaits(await hub.ListAsync(cancellationToken)))
            {
                await streams.Out.WriteLineAsync(line);
            }
        }
        return await BoardWarnings.ReportAsync(prs, streams, staleExitCode: ExitCodes.BadTaskList);
    }
}
