using System.ComponentModel;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary><c>thermo reconcile [--dry-run]</c>: report (and fix) conflicts between Redis and git; git wins.</summary>
internal sealed class ReconcileCommand : AsyncCommand<ReconcileCommand.Settings>
{
    public sealed class Settings : HubSettings
    {
        [CommandOption("--dry-run")]
        [Description("Only report; change nothing.")]
        public bool DryRun { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        using var hub = new HubClient(settings.Hub, settings.Token);
        var report = await hub.ReconcileAsync(new ReconcileRequest(settings.DryRun), cancellationToken);
        if (settings.Json)
        {
            Json.Write(streams.Out, report);
            return 0;
        }

        if (report.Skipped is { } why)
        {
            await streams.Error.WriteLineAsync($"thermo: reconciliation skipped: {TerminalText.EscapeKeepingLines(why)}");
            return Domain.Errors.ExitCodes.BadTaskList;
        }

        var table = new TextTable("CONFLICT", "PR", "REDIS", "GIT", report.DryRun ? "WOULD" : "DONE");
        foreach (var c in report.Conflicts)
        {
            table.Add(c.Kind, c.PrId, c.Redis, c.Git, c.Resolution);
        }

        if (report.Conflicts.Count > 0)
        {
            await streams.Out.WriteAsync(table.ToString());
        }

        await streams.Out.WriteLineAsync(report.Conflicts.Count == 0
            ? "Redis and git agree: no conflicts."
            : $"{report.Conflicts.Count} conflict(s) {(report.DryRun ? "found (dry run: nothing changed)" : "found and resolved; git won")}.");
        return 0;
    }
}
