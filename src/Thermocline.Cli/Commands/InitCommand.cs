using System.ComponentModel;
using Spectre.Console.Cli;
using Thermocline.Cli.Init;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Commands;

/// <summary><c>thermo init [--repo DIR]</c>: a git repository with a sample task list, committed.</summary>
internal sealed class InitCommand : AsyncCommand<InitCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--repo <DIR>")]
        [Description("The repository directory; created and 'git init'-ed when needed. Default: the current directory.")]
        public string Repo { get; init; } = ".";

        [CommandOption("--json")]
        [Description("Print the result (repository, file, commit) as JSON on stdout.")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var result = await RepositoryInitializer.InitializeAsync(settings.Repo, cancellationToken);
        if (settings.Json)
        {
            Json.Write(streams.Out, result);
        }
        else
        {
            await streams.Out.WriteLineAsync($"{(result.CreatedRepository ? "Created a git repository" : "Using the git repository")} at {result.Repository}");
            await streams.Out.WriteLineAsync($"Wrote {result.TaskList} and committed it as {result.Commit[..10]} (nothing else was committed).");
            await streams.Out.WriteLineAsync("Next: edit the task list, check it with 'thermo validate', then run the hub.");
        }

        return ExitCodes.Ok;
    }
}
