using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo add TITLE [--priority P] [--depends PRS] [--description TEXT] [--id PR-N] [--from PR] --agent A</c>: add a
/// PR to the task list through the hub, one commit; the dependency engine takes it from new to ready or blocked.
/// </summary>
internal sealed class AddCommand : AsyncCommand<AddCommand.Settings>
{
    public sealed class Settings : AgentNameSettings
    {
        [CommandArgument(0, "<TITLE>")]
        [Description("The PR's title: one line, at most 200 characters.")]
        public string Title { get; init; } = "";

        [CommandOption("--priority <PRIORITY>")]
        [Description("critical, high, medium or low. Default: medium.")]
        public string? Priority { get; init; }

        [CommandOption("--depends <PRS>")]
        [Description("The PRs it waits on, comma-separated (each must be in the task list), e.g. PR-003,PR-007.")]
        public string? Depends { get; init; }

        [CommandOption("--description <TEXT>")]
        [Description("One paragraph written under its block (one line, at most 4,000 characters).")]
        public string? Description { get; init; }

        [CommandOption("--id <PR>")]
        [Description("Its id. Default: the next free one (one above the highest PR-number).")]
        public string? Id { get; init; }

        [CommandOption("--from <PR>")]
        [Description("The PR whose work turned this one up; kept as discovered_from in its block and named in the commit.")]
        public string? From { get; init; }

        public override ValidationResult Validate()
        {
            foreach (var id in new[] { Id, From })
            {
                if (id is not null && !Domain.Identity.PrId.IsValid(id))
                {
                    return ValidationResult.Error($"'{id}' is not a valid PR id; expected {Domain.Identity.PrId.FormatDescription}.");
                }
            }

            return string.IsNullOrWhiteSpace(Title) ? ValidationResult.Error("the title is empty.") : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var agent = settings.ResolveAgent();
        var depends = PrIdList.Parse(settings.Depends, "--depends");
        using var hub = new HubClient(settings.Hub, settings.Token);
        var added = await hub.AddAsync(new AddRequest(agent, settings.Title, settings.Priority, depends, settings.Description, settings.Id, settings.From), cancellationToken);
        if (settings.Json)
        {
            Json.Write(streams.Out, added);
            return ExitCodes.Ok;
        }

        await streams.Out.WriteLineAsync($"{added.PrId} added (commit {added.Commit[..10]}); it is {added.ColdState}" +
            (added.ColdState == "blocked" ? $" until {string.Join(", ", depends ?? [])} {(depends is { Length: 1 } ? "is" : "are")} done" : ""));
        return ExitCodes.Ok;
    }
}
