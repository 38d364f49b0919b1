using System.Text.Json;
using Thermocline.Domain.States;
using Thermocline.Testing;

namespace Thermocline.Cli.Tests.History;

public sealed class AuditCommandTests
{
    [Fact]
    public async Task Audit_HubMadeHistory_ExitsZeroAndSaysClean()
    {
        await using var h = await HubHistory.CreateAsync();
        await h.MakeHistoryAsync();

        var run = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.EndsWith(": 8 commits, 4 milestones, 3 PRs: clean\n", run.Out, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Audit_HandMadeFenceRegression_ExitsOneNamingTheCommit()
    {
        await using var h = await HubHistory.CreateAsync();
        await h.MakeHistoryAsync();
        var planned = h.Repo.Git("log", "-1", "--format=%H", "--grep", "PR-002: investigating → planned").Trim();
        var bad = h.CommitByHand("PR-002", HotState.InProgress, ColdState.Completed, lease: 1, "planned", "completed");

        var run = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir);
        var json = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["violation", "fence-regression", "PR-002", "PR-002's"], Cells(run.Out, bad)[1..5]);
        Assert.Contains($"not above fence 1 of its earlier milestone {planned[..10]}", run.Out, StringComparison.Ordinal);
        Assert.EndsWith("9 commits, 5 milestones, 3 PRs: 1 violation, 0 warnings\n", run.Out, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var root = JsonDocument.Parse(json.Out).RootElement;
        Assert.False(root.GetProperty("clean").GetBoolean());
        var finding = Assert.Single(root.GetProperty("findings").EnumerateArray());
        Assert.Equal(("fence-regression", "violation", bad, planned), (finding.GetProperty("kind").GetString(), finding.GetProperty("severity").GetString(), finding.GetProperty("sha").GetString(), finding.GetProperty("otherSha").GetString()));
    }

    [Fact]
    public async Task Audit_PersonEditedAColdState_WarnsExitZero_StrictExitsOne()
    {
        await using var h = await HubHistory.CreateAsync();
        await h.MakeHistoryAsync();
        h.Repo.WriteFile(Domain.TaskLists.TaskList.DefaultPath, h.Repo.ReadFile(Domain.TaskLists.TaskList.DefaultPath).Replace("cold_state: ready", "cold_state: blocked", StringComparison.Ordinal));
        var edit = h.Repo.CommitFiles("Block PR-003 for now", Domain.TaskLists.TaskList.DefaultPath);

        var run = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir);
        var strict = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir, "--strict", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["warning", "bypassed-hub", "PR-003"], Cells(run.Out, edit)[1..4]);
        Assert.Contains("PR-003: ready → blocked by a commit that is not the hub's (Test Person <person@example.com>)", run.Out, StringComparison.Ordinal);
        Assert.EndsWith("PRs: clean, 0 violations, 1 warning\n", run.Out, StringComparison.Ordinal);
        Assert.Equal(1, strict.ExitCode);
        var finding = Assert.Single(JsonDocument.Parse(strict.Out).RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(("PR-003", "ready", "blocked"), (finding.GetProperty("prId").GetString(), finding.GetProperty("from").GetString(), finding.GetProperty("to").GetString()));
    }

    [Fact]
    public async Task Audit_BadInput_UsageErrorNamingIt()
    {
        using var notRepo = new TempDirectory();
        await using var h = await HubHistory.CreateAsync();
        var sha = h.Repo.Head();
        h.Repo.Git("checkout", "-q", "--detach");

        var outside = await CliRun.RunAsync("audit", "--repo", notRepo.Path);
        var unknownBranch = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir, "--branch", "nope");
        var detached = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir);
        var badPath = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir, "--task-list", "../x.md");
        var noList = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir, "--branch", Branch(h), "--task-list", "other.md");
        var named = await CliRun.RunAsync("audit", "--repo", h.Repo.WorkDir, "--branch", Branch(h));

        Assert.Equal((2, ""), (outside.ExitCode, outside.Out));
        Assert.Contains("is not inside a git repository", outside.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknownBranch.ExitCode);
        Assert.Contains("there is no branch 'nope'", unknownBranch.Error, StringComparison.Ordinal);
        Assert.Equal(2, detached.ExitCode);
        Assert.Contains("HEAD is detached", detached.Error, StringComparison.Ordinal);
        Assert.Equal(2, badPath.ExitCode);
        Assert.Equal(2, noList.ExitCode);
        Assert.Contains("holds other.md", noList.Error, StringComparison.Ordinal);
        Assert.Equal(0, named.ExitCode);
        Assert.Equal(sha, h.Repo.Head());
    }

    // The cells of the table row of a commit (its short sha) or PR, split on white space.
    internal static string[] Cells(string output, string key) =>
        output.Split('\n').Single(l => l.StartsWith(key.Length > 10 ? key[..10] : key + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Branch(HubHistory h) => h.Repo.Git("for-each-ref", "--format=%(refname:short)", "refs/heads/").Trim();
}
