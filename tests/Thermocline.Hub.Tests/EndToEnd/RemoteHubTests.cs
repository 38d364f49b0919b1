using System.Text.Json;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// <c>thermo hub --remote origin</c> through the real binary: a milestone is acknowledged only once it is on the bare
/// remote, a person's push from their own clone reaches the hub's view by the timer's fetch, and a remote that does not
/// answer refuses milestones with exit 69 while claims and heartbeats go on, until it answers again.
/// </summary>
public sealed class RemoteHubTests
{
    private static readonly Dictionary<string, string> FastFetch = new() { ["THERMO_FETCH_INTERVAL_SECONDS"] = "1" };

    private static async Task<JsonElement> HealthAsync(HubWorld world)
    {
        using var response = await world.Http.GetAsync("healthz");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static string RemoteList(TempGitRepository person, string bare) => person.Git("--git-dir", bare, "show", $"main:{ContractTaskList.Path}");

    [Fact]
    public async Task Milestone_IsPushedBeforeTheAnswer_AndAPersonsPushReachesTheHubByTheNextFetch()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, ContractTaskList.Settled);
        var bare = world.Repo.PublishToBare();
        using var person = TempGitRepository.Clone(bare);
        await world.StartHubWithAsync(FastFetch, "--remote", "origin");
        Assert.Equal("origin/main", (await HealthAsync(world)).GetProperty("remote").GetString());

        var claim = await world.ExpectAsync(0, "claim", "PR-001", "--agent", "alice", "--json");
        var lease = JsonDocument.Parse(claim.Out).RootElement.GetProperty("lease").GetString()!;
        var done = await world.ExpectAsync(0, "transition", "PR-001", "completed", "--agent", "alice", "--lease", lease);

        Assert.Contains("pushed to origin/main", done.Out, StringComparison.Ordinal);
        Assert.Contains("pr_id: PR-001\ntitle: Project skeleton\ncold_state: completed", RemoteList(person, bare), StringComparison.Ordinal);

        person.Git("pull", "-q", "--ff-only", "origin", "main");
        person.WriteFile(ContractTaskList.Path, person.ReadFile(ContractTaskList.Path).Replace("title: Documentation\n", "title: User guide\n", StringComparison.Ordinal));
        person.CommitFiles("Rename PR-004", ContractTaskList.Path);
        person.Git("push", "-q", "origin", "main");

        var pr = await Eventually.ReturnsAsync(
            async () => JsonDocument.Parse(await world.Http.GetStringAsync("api/prs/PR-004")).RootElement.Clone(),
            p => p.GetProperty("title").GetString() == "User guide",
            "the hub fetched the person's push");
        Assert.Equal("ready", pr.GetProperty("state").GetString());
    }

    [Fact]
    public async Task RemoteAway_MilestonesRefusedWith69_HotWorkGoesOn_ThenItRecoversByItself()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, ContractTaskList.Settled);
        var bare = world.Repo.PublishToBare();
        using var person = TempGitRepository.Clone(bare);
        await world.StartHubWithAsync(FastFetch, "--remote", "origin");
        var claim = await world.ExpectAsync(0, "claim", "PR-001", "--agent", "alice", "--json");
        var lease = JsonDocument.Parse(claim.Out).RootElement.GetProperty("lease").GetString()!;
        var before = person.Git("--git-dir", bare, "rev-parse", "main").Trim();
        Directory.Move(bare, bare + ".away");

        var refused = await world.ExpectAsync(69, "transition", "PR-001", "completed", "--agent", "alice", "--lease", lease);
        Assert.Contains("not pushed to origin/main", refused.Error, StringComparison.Ordinal);
        var health = await Eventually.ReturnsAsync(() => HealthAsync(world), h => h.GetProperty("status").GetString() == "degraded", "the hub reports the remote away");
        Assert.False(string.IsNullOrEmpty(health.GetProperty("remoteProblem").GetString()));
        // Hot work needs no push.
        await world.ExpectAsync(0, "heartbeat", "PR-001", "--agent", "alice", "--lease", lease);
        await world.ExpectAsync(0, "claim", "PR-004", "--agent", "bob");

        Directory.Move(bare + ".away", bare);
        Assert.Equal(before, person.Git("--git-dir", bare, "rev-parse", "main").Trim());
        await Eventually.ReturnsAsync(() => HealthAsync(world), h => h.GetProperty("status").GetString() == "ok", "the timer's fetch finds the remote back");
        await world.ExpectAsync(0, "transition", "PR-001", "completed", "--agent", "alice", "--lease", lease);
        Assert.Contains("pr_id: PR-001\ntitle: Project skeleton\ncold_state: completed", RemoteList(person, bare), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_FetchesTheRemoteFirst_APersonsPushIsSeenWithoutWaitingForTheTimer()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, ContractTaskList.Settled);
        var bare = world.Repo.PublishToBare();
        using var person = TempGitRepository.Clone(bare);
        await world.StartHubWithAsync(new Dictionary<string, string> { ["THERMO_FETCH_INTERVAL_SECONDS"] = "3600" }, "--remote", "origin");
        person.WriteFile(ContractTaskList.Path, person.ReadFile(ContractTaskList.Path).Replace("title: Documentation\n", "title: User guide\n", StringComparison.Ordinal));
        person.CommitFiles("Rename PR-004", ContractTaskList.Path);
        person.Git("push", "-q", "origin", "main");

        await world.ExpectAsync(0, "reconcile");

        var pr = JsonDocument.Parse(await world.Http.GetStringAsync("api/prs/PR-004")).RootElement;
        Assert.Equal("User guide", pr.GetProperty("title").GetString());
    }

    [Fact]
    public async Task UnknownRemote_TheHubRefusesToStart_SayingWhatToRun()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, ContractTaskList.Settled);

        var hub = world.LaunchHub("--remote", "upstream");
        var exit = await hub.WaitForExitAsync();

        Assert.Equal(69, exit);
        Assert.Contains("git remote add upstream", hub.Log, StringComparison.Ordinal);
    }
}
