using System.Text.Json;

namespace Thermocline.Cli.Tests.History;

public sealed class StatsCommandTests
{
    [Fact]
    public async Task Stats_HubMadeHistory_CycleTimesStaysLeasesAndHoldingsEndedWithoutMilestone()
    {
        await using var h = await HubHistory.CreateAsync();
        await h.MakeHistoryAsync();

        var json = await CliRun.RunAsync("stats", "--repo", h.Repo.WorkDir, "--json");
        var text = await CliRun.RunAsync("stats", "--repo", h.Repo.WorkDir);

        Assert.True(json.ExitCode == 0, json.Error);
        var root = JsonDocument.Parse(json.Out).RootElement;
        var prs = root.GetProperty("prs").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!);
        var pr1 = prs["PR-001"];
        Assert.Equal((60.0, 300.0, "approved"), (pr1.GetProperty("cycleToCompletedSeconds").GetDouble(), pr1.GetProperty("cycleToApprovedSeconds").GetDouble(), pr1.GetProperty("state").GetString()));
        Assert.Equal([3L, 5L], pr1.GetProperty("fences").EnumerateArray().Select(f => f.GetInt64()));
        Assert.Equal((120.0, 240.0), (pr1.GetProperty("secondsInState").GetProperty("ready").GetDouble(), pr1.GetProperty("secondsInState").GetProperty("completed").GetDouble()));
        Assert.Equal((2, 1, 0), (prs["PR-002"].GetProperty("milestones").GetInt32(), prs["PR-002"].GetProperty("leases").GetInt32(), prs["PR-002"].GetProperty("holdingsEndedWithoutMilestone").GetInt32()));
        Assert.Equal((1, 1), (prs["PR-003"].GetProperty("holdingsDisplayed").GetInt32(), prs["PR-003"].GetProperty("holdingsEndedWithoutMilestone").GetInt32()));
        var ready = root.GetProperty("states").EnumerateArray().Single(s => s.GetProperty("state").GetString() == "ready");
        Assert.Equal((2, 120.0, 120.0), (ready.GetProperty("stays").GetInt32(), ready.GetProperty("medianSeconds").GetDouble(), ready.GetProperty("p90Seconds").GetDouble()));

        Assert.Equal(0, text.ExitCode);
        Assert.Equal(["PR-001", "approved", "1m00s", "5m00s", "2", "2", "1", "0"], AuditCommandTests.Cells(text.Out, "PR-001"));
        Assert.Equal(["PR-003", "ready", "-", "-", "0", "0", "1", "1"], AuditCommandTests.Cells(text.Out, "PR-003"));
        Assert.Contains("8 commits, 3 PRs, 3 leases seen in milestones, 1 displayed holding ended without a milestone", text.Out, StringComparison.Ordinal);
        Assert.Contains("git cannot tell an expired lease from a released one", text.Out, StringComparison.Ordinal);
        Assert.Equal(json.Out, (await CliRun.RunAsync("stats", "--repo", h.Repo.WorkDir, "--json")).Out);
    }

    [Fact]
    public async Task Stats_SinceAndPrFilters_AndBadInput()
    {
        await using var h = await HubHistory.CreateAsync();
        await h.MakeHistoryAsync();

        var one = await CliRun.RunAsync("stats", "--repo", h.Repo.WorkDir, "--pr", "PR-001", "--json");
        var since = await CliRun.RunAsync("stats", "--repo", h.Repo.WorkDir, "--since", "HEAD~2", "--json");
        var unknownPr = await CliRun.RunAsync("stats", "--repo", h.Repo.WorkDir, "--pr", "PR-099");
        var badPr = await CliRun.RunAsync("stats", "--repo", h.Repo.WorkDir, "--pr", "nope;rm");
        var badSince = await CliRun.RunAsync("stats", "--repo", h.Repo.WorkDir, "--since", "no-such-rev");

        Assert.Equal(["PR-001"], JsonDocument.Parse(one.Out).RootElement.GetProperty("prs").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(2, JsonDocument.Parse(since.Out).RootElement.GetProperty("commits").GetInt32());
        Assert.Equal((2, ""), (unknownPr.ExitCode, unknownPr.Out));
        Assert.Contains("PR-099 changed in no commit", unknownPr.Error, StringComparison.Ordinal);
        Assert.Equal((2, ""), (badPr.ExitCode, badPr.Out));
        Assert.Equal((2, ""), (badSince.ExitCode, badSince.Out));
        Assert.Contains("'no-such-rev' does not name a commit", badSince.Error, StringComparison.Ordinal);
    }
}
