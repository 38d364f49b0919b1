using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.Cli.Commands;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli;

/// <summary>The <c>thermo</c> command line: commands, help, and the mapping of failures to SPEC.md's exit codes.</summary>
public static class ThermoApp
{
    /// <summary>Runs <c>thermo</c> with <paramref name="args"/>, writing to <paramref name="streams"/>; returns the exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, CliStreams streams, CancellationToken cancellationToken)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("thermo");
            config.Settings.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(streams.Out),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
            });
            config.Settings.StrictParsing = true;
            config.Settings.CancellationExitCode = 130;
            config.SetExceptionHandler((ex, _) => Report(ex, streams));

            config.AddCommand<InitCommand>("init")
                .WithData(streams)
                .WithDescription("Create a git repository (or use the one there) with a sample docs/task-list.md, and commit only that file. Never overwrites an existing task list.")
                .WithExample("init")
                .WithExample("init", "--repo", "../my-project");
            config.AddCommand<ValidateCommand>("validate")
                .WithData(streams)
                .WithDescription("Parse and check a task list. Every problem is reported as file:line: severity: PR: message. Exit 0 when it has no errors (warnings allowed), 65 when it has.")
                .WithExample("validate")
                .WithExample("validate", "docs/task-list.md", "--json");
        });

        return app.RunAsync(args, cancellationToken);
    }

    private static int Report(Exception ex, CliStreams streams)
    {
        switch (ex)
        {
            case ThermoclineException te:
                streams.Error.WriteLine($"thermo: {te.Message}");
                return te.ExitCode;
            case CommandParseException or CommandRuntimeException:
                streams.Error.WriteLine($"thermo: {ex.Message} (see 'thermo --help')");
                return ExitCodes.Usage;
            case OperationCanceledException:
                streams.Error.WriteLine("thermo: cancelled");
                return 130;
            case UnauthorizedAccessException or IOException:
                streams.Error.WriteLine($"thermo: {ex.Message}");
                return ExitCodes.Failure;
            default:
                streams.Error.WriteLine($"thermo: unexpected error: {ex}");
                return ExitCodes.Failure;
        }
    }
}
