using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.Failover;

/// <summary>
/// Two real <c>thermo hub --advertise</c> processes on two clones of one bare remote, sharing one redis-server: one is
/// active, the other stands by (reads served, writes answered 503 naming the active hub). The active hub killed with
/// SIGKILL: the standby takes over within a few seconds of its lease lapsing, recovers, and goes on — live leases
/// kept, milestones pushed, each on the remote once.
/// </summary>
public sealed class StandbyHubTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    // A client waits up to 15 s for a group's active hub; the test allows a little more for the process start.
    private static readonly TimeSpan HubFollowLimit = TimeSpan.FromSeconds(17);

    private static readonly Dictionary<string, string> Fast = new()
    {
        ["THERMO_LEADER_TTL_SECONDS"] = "2",
        ["THERMO_FETCH_INTERVAL_SECONDS"] = "1",
    };

    [Fact]
    public async Task ActiveHubKilled_TheStandbyTakesOver_LiveLeasesKept_MilestonesOnTheRemoteOnce()
    {
        await using var group = await HubGroup.StartAsync(redis, ContractTaskList.Settled, Fast);
        var (a, b) = (group.A, group.B);
        Assert.Equal("active", (await Health(a)).GetProperty("role").GetString());
        var standby = await Health(b);
        Assert.Equal("standby", standby.GetProperty("role").GetString());
        Assert.Equal(a.Url, standby.GetProperty("activeHub").GetString());

        // The standby serves reads and sends writes to the active hub, doing nothing.
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(b.Url + "/api/prs")).StatusCode);
        using var refused = await http.PostAsync(b.Url + "/api/prs/PR-001/claim", new StringContent("""{"agent":"mallory"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("standby").GetBoolean());
        Assert.Equal(a.Url, problem.GetProperty("activeHub").GetString());
        Assert.Equal(69, problem.GetProperty("exitCode").GetInt32());
        var viaStandby = await group.RunAsync(b, "claim", "PR-001", "--agent", "mallory");
        Assert.Equal(69, viaStandby.ExitCode);
        Assert.Contains(a.Url, viaStandby.Error, StringComparison.Ordinal);

        // Work on the active hub: a milestone, and a lease that must outlive the failover.
        var alice = Lease(await group.ExpectAsync(a, 0, "claim", "PR-001", "--agent", "alice", "--json"));
        await group.ExpectAsync(a, 0, "transition", "PR-001", "completed", "--agent", "alice", "--lease", alice);
        var bob = Lease(await group.ExpectAsync(a, 0, "claim", "PR-004", "--agent", "bob", "--json"));

        var killed = Stopwatch.StartNew();
        await a.Process.KillAsync();
        await Eventually.ReturnsAsync(() => Health(b), h => h.GetProperty("role").GetString() == "active", "the standby took over", TimeSpan.FromSeconds(30));
        var failover = killed.Elapsed;

        // Bob's lease lives on (it is in the shared Redis): another agent's claim is refused, his heartbeat accepted, and
        // his milestone goes through the new active hub and is pushed.
        await group.ExpectAsync(b, 4, "claim", "PR-004", "--agent", "carol");
        await group.ExpectAsync(b, 0, "heartbeat", "PR-004", "--agent", "bob", "--lease", bob);
        var done = await group.ExpectAsync(b, 0, "transition", "PR-004", "completed", "--agent", "bob", "--lease", bob);
        Assert.Contains("pushed to origin/main", done.Out, StringComparison.Ordinal);

        var remote = group.RemoteTaskList();
        Assert.Contains("pr_id: PR-001\ntitle: Project skeleton\ncold_state: completed", remote, StringComparison.Ordinal);
        Assert.Contains("cold_state: completed", remote[remote.IndexOf("pr_id: PR-004", StringComparison.Ordinal)..], StringComparison.Ordinal);
        var milestones = group.RemoteLog().Where(t => t.StartsWith("PR-", StringComparison.Ordinal)).ToList();
        Assert.Equal(milestones.Distinct().Count(), milestones.Count);
        Assert.Contains($"Address: {b.Url}", group.LeaderMark(), StringComparison.Ordinal);
        Assert.True(failover < TimeSpan.FromSeconds(15), $"failover took {failover.TotalSeconds:0.0} s");
        var dryRun = await group.ExpectAsync(b, 0, "reconcile", "--dry-run", "--json");
        Assert.Equal(0, JsonDocument.Parse(dryRun.Out).RootElement.GetProperty("conflicts").GetArrayLength());
    }

    [Fact]
    public async Task ClientsGivenBothHubs_FollowTheActiveOne_AndWaitThroughAFailover()
    {
        await using var group = await HubGroup.StartAsync(redis, ContractTaskList.Settled, Fast);
        var (a, b) = (group.A, group.B);
        var standbyFirst = $"{b.Url},{a.Url}"; // the standby's refusal names the active hub, which is in the list

        var alice = Lease(await group.ExpectViaAsync(standbyFirst, 0, "claim", "PR-001", "--agent", "alice", "--json"));
        Assert.Equal(69, (await group.RunAsync(b, "claim", "PR-004", "--agent", "alice")).ExitCode); // one URL: no following

        // MCP over stdio follows the same way: initialize and the call both reach the active hub.
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "thermo mcp",
            Command = Thermo.DotnetHost,
            Arguments = [Thermo.Dll, "mcp"],
            WorkingDirectory = b.Repo.WorkDir,
            EnvironmentVariables = new Dictionary<string, string?> { ["THERMO_HUB"] = standbyFirst, ["HOME"] = b.Repo.ConfigHome },
        });
        await using (var mcp = await McpClient.CreateAsync(transport))
        {
            var claimed = await mcp.CallToolAsync("claim", new Dictionary<string, object?> { ["pr"] = "PR-004", ["agent"] = "mcp-agent" });
            Assert.True(claimed.IsError is not true, string.Concat(claimed.Content.OfType<TextContentBlock>().Select(t => t.Text)));
            Assert.Equal("mcp-agent", JsonDocument.Parse((await group.ExpectViaAsync(a.Url, 0, "status", "PR-004", "--json")).Out).RootElement.GetProperty("agent").GetString());
        }

        // The active hub dies; a milestone sent at once, active hub first, waits for the takeover and lands on the
        // remote through the new active hub — sent once, not twice.
        await a.Process.KillAsync();
        var during = Stopwatch.StartNew();
        var done = await group.ExpectViaAsync($"{a.Url},{b.Url}", 0, "transition", "PR-001", "completed", "--agent", "alice", "--lease", alice);
        Assert.True(during.Elapsed < HubFollowLimit, $"the milestone through the failover took {during.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains("pushed to origin/main", done.Out, StringComparison.Ordinal);
        Assert.Equal("active", (await Health(b)).GetProperty("role").GetString());
        Assert.Single(group.RemoteLog(), t => t.StartsWith("PR-001: ", StringComparison.Ordinal) && t.EndsWith("→ completed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ActiveHubStoppedCleanly_GivesTheLeadUp_TheStandbyTakesOverBeforeTheLeaseWouldLapse()
    {
        await using var group = await HubGroup.StartAsync(redis, ContractTaskList.Settled, new Dictionary<string, string> { ["THERMO_LEADER_TTL_SECONDS"] = "30", ["THERMO_FETCH_INTERVAL_SECONDS"] = "1" });
        Assert.Equal("standby", (await Health(group.B)).GetProperty("role").GetString());

        var stopped = Stopwatch.StartNew();
        Assert.Equal(0, await group.A.Process.TerminateAsync());
        await Eventually.ReturnsAsync(() => Health(group.B), h => h.GetProperty("role").GetString() == "active", "the standby took over", TimeSpan.FromSeconds(25));

        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(25), $"takeover after a clean stop took {stopped.Elapsed.TotalSeconds:0.0} s; the lease was 30 s");
        await group.ExpectAsync(group.B, 0, "claim", "PR-001", "--agent", "alice");
    }

    [Fact]
    public async Task AdvertiseWithoutASharedRedisOrRemote_IsRefusedAtStart()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, ContractTaskList.Settled);

        var hub = world.LaunchHub("--advertise", "http://127.0.0.1:7999");
        Assert.NotEqual(0, await hub.WaitForExitAsync());
        Assert.Contains("shared Redis (--redis) and remote (--remote)", hub.Log, StringComparison.Ordinal);
    }

    private static string Lease(ThermoRun run) => JsonDocument.Parse(run.Out).RootElement.GetProperty("lease").GetString()!;

    private static Task<JsonElement> Health(HubGroup.Member hub) => HubGroup.HealthAsync(hub);
}
