using System.Text.Json;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// <c>thermo add</c> through the real binary and a real hub: one commit that appends a block and keeps every other byte,
/// the dependency engine taking the new PR on, bad input refused with nothing written, and a hub killed right after the
/// commit leaving the PR whole in git.
/// </summary>
public sealed class AddPrTests
{
    [Fact]
    public async Task Add_OneCommitKeepingEveryOtherByte_ThenTheEngineBlocksItOnItsDependency()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        await world.StartHubAsync();
        var before = world.Repo.Show("HEAD", ContractTaskList.Path);

        var added = await world.ExpectAsync(0, "add", "Parse the config: YAML", "--priority", "high", "--depends", "PR-001", "--from", "PR-003",
            "--description", "Found while doing PR-003.", "--agent", "alice");

        Assert.Contains("PR-006 added (commit ", added.Out, StringComparison.Ordinal);
        Assert.Contains("it is blocked until PR-001 is done", added.Out, StringComparison.Ordinal);
        Assert.Equal(["[Dependencies] Update 1 PR after PR-006 added", "PR-006: added"], world.CommitTitles().Take(2));
        var addition = world.Repo.Show("HEAD~1", ContractTaskList.Path);
        Assert.StartsWith(before, addition, StringComparison.Ordinal);
        Assert.Contains("pr_id: PR-006\ntitle: \"Parse the config: YAML\"\ncold_state: new\npriority: high\ndependencies: [PR-001]\ndiscovered_from: PR-003\n", addition, StringComparison.Ordinal);
        Assert.Contains("- Agent: alice\n- Discovered from: PR-003\n", world.Repo.Git("log", "-1", "--format=%B", "HEAD~1"), StringComparison.Ordinal);
        var pr = JsonDocument.Parse((await world.ExpectAsync(0, "status", "PR-006", "--json")).Out).RootElement;
        Assert.Equal(("blocked", "high"), (pr.GetProperty("coldState").GetString(), pr.GetProperty("priority").GetString()));
        Assert.Equal("", world.Repo.Status());

        var json = JsonDocument.Parse((await world.ExpectAsync(0, "add", "Write the docs", "--agent", "alice", "--json")).Out).RootElement;
        Assert.Equal(("PR-007", "ready"), (json.GetProperty("prId").GetString(), json.GetProperty("coldState").GetString()));
    }

    [Fact]
    public async Task Add_BadInput_RefusedWithNothingWritten()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        await world.StartHubAsync();
        var head = world.Repo.Head();

        Assert.Contains("PR-404, which is not in the task list", (await world.ExpectAsync(65, "add", "X", "--depends", "PR-404", "--agent", "alice")).Error, StringComparison.Ordinal);
        Assert.Contains("PR-001 is in the task list already", (await world.ExpectAsync(2, "add", "X", "--id", "PR-001", "--agent", "alice")).Error, StringComparison.Ordinal);
        await world.ExpectAsync(2, "add", "bell \u0007", "--agent", "alice");
        await world.ExpectAsync(2, "add", "X", "--priority", "urgent", "--agent", "alice");
        await world.ExpectAsync(2, "add", "X", "--depends", "PR-1;rm", "--agent", "alice");

        // A person's unfinished edit of the file cannot take the block: refused, rather than owed to a copy that would drop it.
        var original = world.Repo.ReadFile(ContractTaskList.Path);
        world.Repo.WriteFile(ContractTaskList.Path, original.Replace("title: Logging\n", "title: [Logging\n", StringComparison.Ordinal));
        Assert.Contains("was not added: the working copy", (await world.ExpectAsync(69, "add", "X", "--agent", "alice")).Error, StringComparison.Ordinal);

        Assert.Equal(head, world.Repo.Head());
        world.Repo.WriteFile(ContractTaskList.Path, original);
        Assert.Equal("", world.Repo.Status());
    }

    [Fact]
    public async Task Add_HubKilledRightAfterTheCommit_ThePrIsWholeInGitAndTheNextHubTakesItOn()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        var doomed = await world.StartHubWithAsync(new Dictionary<string, string> { ["THERMO_FAILPOINT"] = "after-addition-commit:1" });

        var cut = await world.RunAsync("add", "Survives a crash", "--depends", "PR-001", "--agent", "alice");
        await doomed.WaitForExitAsync();

        Assert.Equal(69, cut.ExitCode);
        Assert.Equal("PR-006: added", world.CommitTitles()[0]);
        await world.StartHubAsync();
        var pr = JsonDocument.Parse((await world.ExpectAsync(0, "status", "PR-006", "--json")).Out).RootElement;
        Assert.Equal("blocked", pr.GetProperty("coldState").GetString());
        Assert.Single(world.CommitTitles(), t => t == "PR-006: added");
        var reconcile = JsonDocument.Parse((await world.ExpectAsync(0, "reconcile", "--dry-run", "--json")).Out).RootElement;
        Assert.True(reconcile.GetProperty("clean").GetBoolean());
    }
}
