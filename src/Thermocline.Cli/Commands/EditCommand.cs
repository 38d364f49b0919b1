using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo edit PR [--title T] [--priority P] [--depends PRS] [--add-depends PRS] [--description TEXT] [--from PR] --agent A</c>:
/// edit a PR's fields through the hub, one commit that changes only those fields' lines; the dependency engine then runs.
/// </summary>
internal sealed class EditCommand : AsyncCommand<EditCommand.Settings>
{
    public sealed class Settings : AgentSettings
    {
        [CommandOption("--title <TITLE>")]
        [Description("The new title (heading and title:): one line, at most 200 characters.")]
        public string? Title { get; init; }

        [CommandOption("--priority <PRIORITY>")]
        [Description("The new priority: critical, high, medium or low.")]
        public string? Priority { get; init; }

        [CommandOption("--depends <PRS>")]
        [Description("The PRs it waits on, comma-separated, replacing its list (each must be in the task list); \"\" clears it.")]
        public string? Depends { get; init; }

        [CommandOption("--add-depends <PRS>")]
        [Description("PRs added to its dependencies, comma-separated (ones it has already are kept once).")]
        public string? AddDepends { get; init; }

        [CommandOption("--description <TEXT>")]
        [Description("The paragraph under its block (one line, at most 4,000 characters); \"\" removes it.")]
        public string? Description { get; init; }

        [CommandOption("--from <PR>")]
        [Description("The PR whose work turned this one up (discovered_from).")]
        public string? From { get; init; }

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } bad)
            {
                return bad;
            }

            return Title is null && Priority is null && Depends is null && AddDepends is null && Description is null && From is null
                ? ValidationResult.Error("nothing to edit: give at least one of --title, --priority, --depends, --add-depends, --description, --from.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var agent = settings.ResolveAgent();
        var request = new EditRequest(
            agent, settings.Title, settings.Priority, PrIdList.Parse(settings.Depends, "--depends"), PrIdList.Parse(settings.AddDepends, "--add-depends"),
            settings.Description, settings.From);
        using var hub = new HubClient(settings.Hub, settings.Token);
        var edited = await hub.EditAsync(settings.Pr, request, cancellationToken);
        if (settings.Json)
        {
            Json.Write(streams.Out, edited);
            return ExitCodes.Ok;
        }

        await streams.Out.WriteLineAsync(edited.Commit is not { } commit
            ? $"{edited.PrId} unchanged: every value is already so; nothing committed"
            : $"{edited.PrId} edited (commit {commit[..10]}): {string.Join(", ", edited.Changed)}; it is {edited.ColdState}" +
                (edited.DependencyCommit is { } moved ? $" (dependency commit {moved[..10]})" : ""));
        return ExitCodes.Ok;
    }
}
