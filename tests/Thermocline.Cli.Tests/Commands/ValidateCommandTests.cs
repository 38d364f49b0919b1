using System.Text.Json;
using Thermocline.Testing;

namespace Thermocline.Cli.Tests.Commands;

public class ValidateCommandTests
{
    private const string Good = "### PR-001: A\n---\npr_id: PR-001\ncold_state: ready\npriority: high\ndependencies: []\n---\n";

    [Fact]
    public async Task Validate_GoodList_ExitsZeroWithSummaryOnStdout()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("list.md");
        await File.WriteAllTextAsync(file, Good);

        var run = await CliRun.RunAsync("validate", file);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"ok: {file}: 1 PRs, 0 errors, 0 warnings\n", run.Out.ReplaceLineEndings("\n"));
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Validate_BrokenList_Exits65WithEveryErrorOnStderr()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("list.md");
        await File.WriteAllTextAsync(file, Good + "\n### PR-002: B\n---\npr_id: PR-002\ncold_state: done\npriority: high\ndependencies: [PR-404]\n---\n");

        var run = await CliRun.RunAsync("validate", file);

        Assert.Equal(65, run.ExitCode);
        var lines = run.Error.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal($"{file}:12: error: PR-002: unknown cold state 'done'; expected one of: new, ready, blocked, planned, completed, approved, broken", lines[0]);
        Assert.StartsWith($"{file}:14: error: PR-002: depends on PR-404", lines[1], StringComparison.Ordinal);
        Assert.Equal($"{file}: 1 PRs, 2 errors, 0 warnings", lines[2]);
    }

    [Fact]
    public async Task Validate_Json_PrintsMachineReadableResult()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("list.md");
        await File.WriteAllTextAsync(file, Good.Replace("priority: high\n", "", StringComparison.Ordinal));

        var run = await CliRun.RunAsync("validate", file, "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(1, json.RootElement.GetProperty("warnings").GetInt32());
        var d = json.RootElement.GetProperty("diagnostics")[0];
        Assert.Equal("warning", d.GetProperty("severity").GetString());
        Assert.Equal("missing-priority", d.GetProperty("code").GetString());
        Assert.Equal("PR-001", d.GetProperty("prId").GetString());
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsTwoAndSaysWhatToDo()
    {
        var run = await CliRun.RunAsync("validate", "/nonexistent/task-list.md");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
        Assert.Contains("thermo init", run.Error, StringComparison.Ordinal);
    }

    [SharedFixtureFact]
    public async Task Validate_LemegetonFixture_ReportsItsOneErrorAtTheRealLine()
    {
        var file = SharedFixtures.Fixture("lemegeton-task-list.md")!;
        var run = await CliRun.RunAsync("validate", file);
        Assert.Equal(65, run.ExitCode);
        Assert.StartsWith($"{file}:993: error: PR-015: YAML syntax error (column 32)", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate", "--bogus")]
    [InlineData("frobnicate")]
    public async Task Run_BadUsage_ExitsTwo(params string[] args)
    {
        var run = await CliRun.RunAsync(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("thermo --help", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("validate", "--help")]
    [InlineData("init", "--help")]
    public async Task Help_EveryCommand_ExplainsItself(params string[] args)
    {
        var run = await CliRun.RunAsync(args);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("USAGE:", run.Out, StringComparison.Ordinal);
        Assert.Contains(args[0] == "--help" ? "validate" : "--json", run.Out, StringComparison.Ordinal);
    }
}
