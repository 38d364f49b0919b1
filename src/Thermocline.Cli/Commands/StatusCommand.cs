using System.ComponentModel;
using Spectre.Console;
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

        [CommandOption("--at <REV>")]
        [Description("Show the board as commit REV holds it, from git alone (no hub): its cold states, and the hot states its display section showed then.")]
        public string? At { get; init; }

        [CommandOption("--repo <DIR>")]
        [Description("With --at: the repository to read. Default: the one holding the current directory.")]
        public string? Repo { get; init; }

        [CommandOption("--task-list <PATH>")]
        [Description("With --at: the task list's path inside the repository. Default: docs/task-list.md.")]
        public string TaskList { get; init; } = Domain.TaskLists.TaskList.DefaultPath;

        public override ValidationResult Validate() => At is null && (Repo is not null || TaskList != Domain.TaskLists.TaskList.DefaultPath)
            ? ValidationResult.Error("--repo and --task-list go with --at REV; without it, status asks the hub.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        if (settings.At is not null)
        {
            return await StatusAtRevision.ShowAsync(settings, streams, cancellationToken);
        }

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
