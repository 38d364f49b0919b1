using System.Net;
using System.Text.Json;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// The hub beside a person's git, through the real binary and HTTP: its branch is explicit, a person's operation in
/// progress makes milestones wait with exit 69 naming what to run, and <c>/healthz</c> tells the truth at once.
/// </summary>
public sealed class SharedRepositoryHubTests
{
    private static async Task<JsonElement> HealthAsync(HubWorld world)
    {
        using var response = await world.Http.GetAsync("healthz");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Transition_MergeInProgress_Exit69NamingItThenCommittedOnceDone()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, ContractTaskList.Settled);
        await world.StartHubAsync();
        world.Repo.Git("switch", "-q", "-c", "theirs");
        world.Repo.WriteFile("notes.txt", "theirs\n");
        world.Repo.CommitFiles("Their notes", "notes.txt");
        world.Repo.Git("switch", "-q", "main");
        world.Repo.WriteFile("notes.txt", "ours\n");
        world.Repo.CommitFiles("Our notes", "notes.txt");
        Assert.NotEqual(0, world.Repo.TryGit("merge", "theirs").ExitCode);

        var refused = await world.ExpectAsync(69, "transition", "PR-001", "blocked", "--agent", "alice", "--reason", "waits on a decision");
        Assert.Contains("merge", refused.Error, StringComparison.Ordinal);
        Assert.Contains("git merge --abort", refused.Error, StringComparison.Ordinal);
        var health = await HealthAsync(world);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("checkoutBusy").GetBoolean());

        world.Repo.Git("merge", "--abort");
        await world.ExpectAsync(0, "transition", "PR-001", "blocked", "--agent", "alice", "--reason", "waits on a decision");
        Assert.Contains("cold_state: blocked", world.Repo.Show("main", ContractTaskList.Path), StringComparison.Ordinal);
        Assert.Equal("ok", (await HealthAsync(world)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_PersonCommitsABrokenListThenTheFix_ReportedAtOnceEachTime()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, ContractTaskList.Settled);
        await world.StartHubAsync();
        Assert.Equal("ok", (await HealthAsync(world)).GetProperty("status").GetString());

        world.Repo.WriteFile(ContractTaskList.Path, ContractTaskList.Broken);
        world.Repo.CommitFiles("A broken hand edit", ContractTaskList.Path);
        var broken = await HealthAsync(world);
        Assert.Equal("unhealthy", broken.GetProperty("status").GetString());
        Assert.Contains("PR-004", broken.GetProperty("taskListProblem").GetString(), StringComparison.Ordinal);

        world.Repo.WriteFile(ContractTaskList.Path, ContractTaskList.Settled);
        world.Repo.CommitFiles("Fixed", ContractTaskList.Path);
        var fixedHealth = await HealthAsync(world);
        Assert.Equal("ok", fixedHealth.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, fixedHealth.GetProperty("taskListProblem").ValueKind);
    }

    [Fact]
    public async Task Hub_HeadDetached_RefusedWithWhatToDo_AndRunsWithBranchNamed()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, ContractTaskList.Settled);
        world.Repo.Git("checkout", "-q", "--detach");

        var refused = world.LaunchHub();
        Assert.Equal(69, await refused.WaitForExitAsync());
        Assert.Contains("--branch", refused.Log, StringComparison.Ordinal);

        await world.StartHubAsync("--branch", "main");
        var claim = await world.ExpectAsync(0, "claim", "PR-001", "--agent", "alice", "--json");
        var lease = JsonDocument.Parse(claim.Out).RootElement.GetProperty("lease").GetString()!;
        await world.ExpectAsync(0, "transition", "PR-001", "completed", "--agent", "alice", "--lease", lease);
        Assert.Contains("cold_state: completed", world.Repo.Show("main", ContractTaskList.Path), StringComparison.Ordinal);
        Assert.Equal("main", (await HealthAsync(world)).GetProperty("branch").GetString());
        Assert.Contains("detached", (await HealthAsync(world)).GetProperty("checkout").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_PersonDeletesTheTaskListOnTheBranch_UnhealthyAtOnce_AndAHubWillNotStartThere()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, ContractTaskList.Settled);
        var hub = await world.StartHubAsync();
        world.Repo.Git("rm", "-q", ContractTaskList.Path);
        world.Repo.Git("commit", "-q", "-m", "Move the plan elsewhere");

        using var response = await world.Http.GetAsync("healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("docs/task-list.md is not on main", health.GetProperty("taskListProblem").GetString(), StringComparison.Ordinal);
        await hub.TerminateAsync();
        var again = world.LaunchHub();
        Assert.Equal(65, await again.WaitForExitAsync());
        Assert.Contains("thermo init", again.Log, StringComparison.Ordinal);
    }
}
