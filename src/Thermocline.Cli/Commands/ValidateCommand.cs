using System.ComponentModel;
using Spectre.Console.Cli;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Cli.Commands;

/// <summary><c>thermo validate [FILE]</c>: parse and check a task list, report every problem.</summary>
internal sealed class ValidateCommand : AsyncCommand<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[FILE]")]
        [Description("The task list to check. Default: docs/task-list.md in the current directory.")]
        public string File { get; init; } = TaskList.DefaultPath;

        [CommandOption("--json")]
        [Description("Print the result as JSON on stdout (diagnostics included) instead of text on stderr.")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        if (!System.IO.File.Exists(settings.File))
        {
            throw ThermoclineException.Usage(
                $"{settings.File} does not exist. Pass the task list's path (thermo validate path/to/task-list.md) or create one with 'thermo init'.");
        }

        var bytes = await System.IO.File.ReadAllBytesAsync(settings.File, cancellationToken);
        var list = TaskList.Parse(bytes);
        var errors = list.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = list.Diagnostics.Count - errors;

        if (settings.Json)
        {
            Output.Json.Write(streams.Out, new
            {
                file = settings.File,
                valid = errors == 0,
                prs = list.Prs.Count,
                errors,
                warnings,
                diagnostics = list.Diagnostics.Select(d => new { d.Severity, d.Line, d.PrId, d.Code, d.Message }),
            });
        }
        else
        {
            foreach (var d in list.Diagnostics)
            {
                await streams.Error.WriteLineAsync(TerminalText.Escape(d.Format(settings.File)));
            }

            var summary = $"{settings.File}: {list.Prs.Count} PRs, {errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}";
            await (errors == 0 ? streams.Out : streams.Error).WriteLineAsync(errors == 0 ? $"ok: {summary}" : summary);
        }

        return errors == 0 ? ExitCodes.Ok : ExitCodes.BadTaskList;
    }
}
