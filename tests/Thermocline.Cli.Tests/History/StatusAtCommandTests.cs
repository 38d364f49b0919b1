using System.Text.Json;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Cli.Tests.History;

public sealed class StatusAtCommandTests
{
    [Fact]
    public async Task StatusAt_CommitWithADisplay_ShowsColdStatesAndTheHotStatesDisplayedThen()
    {
        await using var h = await HubHistory.CreateAsync();
        await h.MakeHistoryAsync();
        var shown = h.Repo.Git("log", "-1", "--format=%H", "--skip", "3").Trim(); // the display of PR-002 and PR-003

        var run = await CliRun.RunAsync("status", "--at", shown[..12], "--repo", h.Repo.WorkDir);
        var json = await CliRun.RunAsync("status", "--at", shown, "--repo", h.Repo.WorkDir, "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith($"board at {shown[..10]} ([Display Sync] Update hot state visibility), committed 2025-11-14 10:04:00 UTC\n", run.Out, StringComparison.Ordinal);
        Assert.Equal(["PR-002", "ready", "investigating", "agent-2", "-", "Parser"], AuditCommandTests.Cells(run.Out, "PR-002"));
        Assert.Equal(["PR-001", "completed", "-", "-", "-", "Scaffolding"], AuditCommandTests.Cells(run.Out, "PR-001"));
        Assert.EndsWith("3 PRs, 2 hot as displayed at that commit (the hub's display section: shown for people, not state)\n", run.Out, StringComparison.Ordinal);
        var root = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal((shown, true), (root.GetProperty("commit").GetString(), root.GetProperty("hotStateAsDisplayed").GetBoolean()));
        var pr2 = root.GetProperty("prs").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "PR-002");
        Assert.Equal(("ready", "investigating", "medium", "PR-001"), (pr2.GetProperty("coldState").GetString(), pr2.GetProperty("hotState").GetString(), pr2.GetProperty("priority").GetString(), pr2.GetProperty("dependencies")[0].GetString()));
    }

    [Fact]
    public async Task StatusAt_FirstCommitAndOnePr_NoDisplaySaysHotStateUnknown()
    {
        await using var h = await HubHistory.CreateAsync(HubHistory.ListText("Store \\e[2J\\e]0;pwned\\a"));
        await h.MakeHistoryAsync();
        var first = h.Repo.Git("rev-list", "--max-parents=0", "HEAD").Trim();

        var run = await CliRun.RunAsync("status", "PR-003", "--at", first, "--repo", h.Repo.WorkDir);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("PR-003", AuditCommandTests.Cells(run.Out, "PR-003")[0]);
        Assert.DoesNotContain('\u001b', run.Out);
        Assert.DoesNotContain('\a', run.Out);
        Assert.EndsWith("1 PRs; that commit has no display section: hot state unknown\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusAt_BadInput_ClearErrorsAndExitCodes()
    {
        await using var h = await HubHistory.CreateAsync();
        h.Repo.WriteFile(TaskList.DefaultPath, HubHistory.ListText().Replace("cold_state: ready", "cold_state: sideways", StringComparison.Ordinal));
        var broken = h.Repo.CommitFiles("Break the list", TaskList.DefaultPath);
        h.Repo.WriteFile("README.md", "x\n");
        h.Repo.Git("rm", "-q", TaskList.DefaultPath);
        var gone = h.Repo.CommitFiles("Drop the list", "README.md");

        var unknownRev = await CliRun.RunAsync("status", "--at", "no-such-rev", "--repo", h.Repo.WorkDir);
        var unknownPr = await CliRun.RunAsync("status", "PR-099", "--at", "HEAD~2", "--repo", h.Repo.WorkDir);
        var badList = await CliRun.RunAsync("status", "--at", broken, "--repo", h.Repo.WorkDir);
        var noList = await CliRun.RunAsync("status", "--at", gone, "--repo", h.Repo.WorkDir);
        var repoWithoutAt = await CliRun.RunAsync("status", "--repo", h.Repo.WorkDir);

        Assert.Equal(2, unknownRev.ExitCode);
        Assert.Contains("'no-such-rev' does not name a commit", unknownRev.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknownPr.ExitCode);
        Assert.Contains("PR-099", unknownPr.Error, StringComparison.Ordinal);
        Assert.Equal(65, badList.ExitCode);
        Assert.Contains($"{broken}:docs/task-list.md:", badList.Error, StringComparison.Ordinal);
        Assert.Equal(2, noList.ExitCode);
        Assert.Contains("has no docs/task-list.md", noList.Error, StringComparison.Ordinal);
        Assert.Equal(2, repoWithoutAt.ExitCode);
        Assert.All([unknownRev, unknownPr, badList, noList, repoWithoutAt], r => Assert.Equal("", r.Out));
    }
}
