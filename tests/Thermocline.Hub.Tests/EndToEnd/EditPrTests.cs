using System.Text.Json;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// <c>thermo edit</c> through the real binary and a real hub: one commit that changes only the named fields' lines, the
/// dependency engine blocking and unblocking on the new dependencies, bad input refused with nothing written, the same
/// values committing nothing, and a hub killed right after the commit leaving the edit whole in git.
/// </summary>
public sealed class EditPrTests
{
    [Fact]
    public async Task Edit_OnlyTheNamedFieldsLinesChange_AndTheEngineUnblocksOrBlocksOnTheNewDependencies()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        await world.StartHubAsync();
        var before = world.Repo.Show("HEAD", ContractTaskList.Path);

        // PR-002 waits on PR-001 (the hub blocked it at start); without that dependency the engine lifts its block.
        var edited = await world.ExpectAsync(0, "edit", "PR-002", "--title", "Configuration: loading", "--priority", "high", "--depends", "",
            "--description", "Reads the file once.", "--agent", "alice");

        Assert.Contains("PR-002 edited (commit ", edited.Out, StringComparison.Ordinal);
        Assert.Contains("title, priority, dependencies, description; it is ready", edited.Out, StringComparison.Ordinal);
        Assert.Equal(["[Dependencies] Update 1 PR after PR-002 edited", "PR-002: edited"], world.CommitTitles().Take(2));
        Assert.Contains("- Agent: alice\n- Fields: title, priority, dependencies, description\n", world.Repo.Git("log", "-1", "--format=%B", "HEAD~1"), StringComparison.Ordinal);
        var expected = before
            .Replace("### PR-002: Configuration loading\n", "### PR-002: Configuration: loading\n", StringComparison.Ordinal)
            .Replace("title: Configuration loading\ncold_state: blocked\npriority: medium\ndependencies: [PR-001]\n---\n\nWork on Configuration loading.\n",
                "title: \"Configuration: loading\"\ncold_state: blocked\npriority: high\ndependencies: []\n---\n\nReads the file once.\n", StringComparison.Ordinal);
        Assert.NotEqual(before, expected);
        Assert.Equal(expected, world.Repo.Show("HEAD~1", ContractTaskList.Path));
        var pr = JsonDocument.Parse((await world.ExpectAsync(0, "status", "PR-002", "--json")).Out).RootElement;
        Assert.Equal(("ready", "high", "Configuration: loading"), (pr.GetProperty("coldState").GetString(), pr.GetProperty("priority").GetString(), pr.GetProperty("title").GetString()));
        Assert.Equal("", world.Repo.Status());

        // The same values again: nothing committed, and it says so.
        var head = world.Repo.Head();
        var same = JsonDocument.Parse((await world.ExpectAsync(0, "edit", "PR-002", "--priority", "high", "--agent", "alice", "--json")).Out).RootElement;
        Assert.Equal((JsonValueKind.Null, 0, "ready"), (same.GetProperty("commit").ValueKind, same.GetProperty("changed").GetArrayLength(), same.GetProperty("coldState").GetString()));
        Assert.Contains("unchanged", (await world.ExpectAsync(0, "edit", "PR-002", "--depends", "", "--agent", "alice")).Out, StringComparison.Ordinal);
        Assert.Equal(head, world.Repo.Head());

        // A ready PR made to wait on a broken one is blocked by the engine.
        await world.ExpectAsync(0, "transition", "PR-003", "broken", "--agent", "qa", "--reason", "it leaks");
        var blocked = JsonDocument.Parse((await world.ExpectAsync(0, "edit", "PR-004", "--add-depends", "PR-003,PR-005", "--agent", "alice", "--json")).Out).RootElement;
        Assert.Equal("blocked", blocked.GetProperty("coldState").GetString());
        Assert.Equal(world.Repo.Head(), blocked.GetProperty("dependencyCommit").GetString());
        Assert.Contains("dependencies: [PR-003, PR-005]\n", world.Repo.Show("HEAD", ContractTaskList.Path), StringComparison.Ordinal);
        Assert.DoesNotContain("PR-004", (await world.ExpectAsync(0, "ready")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_BadInput_RefusedWithNothingWritten()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        await world.StartHubAsync();
        var head = world.Repo.Head();

        Assert.Contains("PR-404 is not in the task list", (await world.ExpectAsync(2, "edit", "PR-404", "--title", "X", "--agent", "alice")).Error, StringComparison.Ordinal);
        Assert.Contains("PR-404, which is not in the task list", (await world.ExpectAsync(65, "edit", "PR-001", "--add-depends", "PR-404", "--agent", "alice")).Error, StringComparison.Ordinal);
        Assert.Contains("cannot depend on itself", (await world.ExpectAsync(65, "edit", "PR-001", "--depends", "PR-001", "--agent", "alice")).Error, StringComparison.Ordinal);
        Assert.Contains("dependency cycle", (await world.ExpectAsync(65, "edit", "PR-001", "--add-depends", "PR-002", "--agent", "alice")).Error, StringComparison.Ordinal);
        Assert.Contains("not a priority", (await world.ExpectAsync(2, "edit", "PR-001", "--priority", "urgent", "--agent", "alice")).Error, StringComparison.Ordinal);
        Assert.Contains("U+0007", (await world.ExpectAsync(2, "edit", "PR-001", "--title", "bell \u0007", "--agent", "alice")).Error, StringComparison.Ordinal);
        await world.ExpectAsync(2, "edit", "PR-001", "--description", new string('d', 4_001), "--agent", "alice");
        Assert.Contains("nothing to edit", (await world.ExpectAsync(2, "edit", "PR-001", "--agent", "alice")).Error, StringComparison.Ordinal);
        await world.ExpectAsync(2, "edit", "PR-001", "--depends", "PR-1;rm", "--agent", "alice");

        // A person's uncommitted change of that very field is theirs: the edit is refused rather than made under them.
        var original = world.Repo.ReadFile(ContractTaskList.Path);
        world.Repo.WriteFile(ContractTaskList.Path, original.Replace("title: Logging\n", "title: Logging, by hand\n", StringComparison.Ordinal));
        Assert.Contains("PR-003 was not edited: the working copy", (await world.ExpectAsync(69, "edit", "PR-003", "--title", "Logs", "--agent", "alice")).Error, StringComparison.Ordinal);

        Assert.Equal(head, world.Repo.Head());
        world.Repo.WriteFile(ContractTaskList.Path, original);
        Assert.Equal("", world.Repo.Status());
    }

    [Fact]
    public async Task Edit_HubKilledRightAfterTheCommit_TheEditIsWholeInGitAndTheNextHubRunsTheEngine()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        var doomed = await world.StartHubWithAsync(new Dictionary<string, string> { ["THERMO_FAILPOINT"] = "after-edit-commit:1" });

        var cut = await world.RunAsync("edit", "PR-002", "--depends", "", "--priority", "low", "--agent", "alice");
        await doomed.WaitForExitAsync();

        Assert.Equal(69, cut.ExitCode);
        Assert.Equal("PR-002: edited", world.CommitTitles()[0]);
        Assert.Contains("priority: low\ndependencies: []\n", world.Repo.Show("HEAD", ContractTaskList.Path), StringComparison.Ordinal);
        await world.StartHubAsync();
        var pr = JsonDocument.Parse((await world.ExpectAsync(0, "status", "PR-002", "--json")).Out).RootElement;
        Assert.Equal(("ready", "low"), (pr.GetProperty("coldState").GetString(), pr.GetProperty("priority").GetString()));
        Assert.Single(world.CommitTitles(), t => t == "PR-002: edited");
        var reconcile = JsonDocument.Parse((await world.ExpectAsync(0, "reconcile", "--dry-run", "--json")).Out).RootElement;
        Assert.True(reconcile.GetProperty("clean").GetBoolean());
    }
}
