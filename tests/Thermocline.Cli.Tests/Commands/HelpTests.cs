namespace Thermocline.Cli.Tests.Commands;

/// <summary>
/// <c>thermo --help</c> and <c>thermo COMMAND --help</c>: every command a person or agent may type is listed and explains
/// its own options, with exit 0 and nothing on stderr; the commands git runs (merge-driver, hook) stay out of the list.
/// </summary>
public sealed class HelpTests
{
    public static TheoryData<string, string[]> Commands => new()
    {
        { "demo", ["--keep", "--workers <N>"] },
        { "init", ["--repo"] },
        { "setup", ["--agents-file <FILE>", "--check", "--remove", "--merge-driver", "--hooks", "--print-mcp"] },
        { "validate", ["--json"] },
        { "verify-push", ["--hook", "--json"] },
        { "check-paths", ["--refuse", "--hook"] },
        { "hub", ["--repo <DIR>", "--redis <CONN>", "--port <N>", "--bind <ADDRESS>", "--branch <NAME>", "--key-prefix <PREFIX>"] },
        { "status", ["--at <REV>", "--task-list <PATH>", "--json"] },
        { "ready", ["--json"] },
        { "mcp", ["--hub <URL>"] },
        { "add", ["--priority <PRIORITY>", "--depends <PRS>", "--id <PR>", "--from <PR>", "--description <TEXT>"] },
        { "edit", ["--title <TITLE>", "--priority <PRIORITY>", "--add-depends <PRS>", "--depends <PRS>", "--description <TEXT>"] },
        { "claim", ["--next", "--wait <DURATION>", "--ttl <DURATION>", "--reserve", "--paths <GLOB>", "--keep-alive", "--every <DURATION>", "--agent <NAME>"] },
        { "heartbeat", ["--lease <LEASE>", "--every"] },
        { "transition", ["--lease <LEASE>", "--reason <TEXT>"] },
        { "release", ["--lease <LEASE>", "--stuck <FENCE>", "--reason <TEXT>"] },
        { "reconcile", ["--dry-run"] },
        { "audit", ["--branch", "--strict", "--json"] },
        { "stats", ["--pr", "--since", "--json"] },
        { "log", ["--limit <N>", "--json"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_OfACommand_ShowsItsUsageAndEachOfItsOptions(string command, string[] options)
    {
        var run = await CliRun.RunAsync(command, "--help");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Equal("", run.Error);
        Assert.Contains($"thermo {command}", run.Out, StringComparison.Ordinal);
        Assert.Contains("USAGE:", run.Out, StringComparison.Ordinal);
        foreach (var option in options)
        {
            Assert.Contains(option, run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_AtTheTop_ListsEveryCommandButThoseGitRuns()
    {
        var run = await CliRun.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        var listed = run.Out[run.Out.IndexOf("COMMANDS:", StringComparison.Ordinal)..]
            .Split('\n')
            .Where(l => l.StartsWith("    ", StringComparison.Ordinal) && l.Length > 4 && l[4] != ' ')
            .Select(l => l.Trim().Split(' ')[0])
            .ToList();
        Assert.Equal(Commands.Select(c => (string)c[0]).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("merge-driver", listed);
        Assert.DoesNotContain("hook", listed);
    }
}
