using System.Text.Json;
using System.Text.RegularExpressions;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// The agent commands of SPEC.md, through the real <c>thermo</c> binary against a real <c>thermo hub</c> process, on
/// the embedded store and on a real redis-server: text and <c>--json</c> output, commits only for milestones.
/// </summary>
public sealed partial class AgentCommandTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(Store.Embedded)]
    [InlineData(Store.Redis)]
    public async Task AgentLoop_ReadyClaimHeartbeatTransitionReleaseLog_FollowsTheContract(Store store)
    {
        await using var world = HubWorld.Create(store, redis);
        await world.StartHubAsync();

        // Start-up: PR-002 waits on PR-001, so the dependency engine blocked it in one commit.
        Assert.Equal(["[Dependencies] Update PR states from dependencies", "Initial commit"], world.CommitTitles().Select(StripCount));

        var status = await world.ExpectAsync(0, "status");
        Assert.Matches(@"(?m)^PR\s+COLD\s+HOT\s+AGENT\s+HEARTBEAT\s+TITLE$", status.Out);
        Assert.Matches(@"(?m)^PR-002\s+blocked\s+-\s+-\s+-\s+Configuration loading$", status.Out);
        Assert.Contains("5 PRs, 0 hot", status.Out, StringComparison.Ordinal);

        var all = Json(await world.ExpectAsync(0, "status", "--json"));
        Assert.Equal(["PR-001", "PR-002", "PR-003", "PR-004", "PR-005"], all.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(["ready", "blocked", "completed", "ready", "approved"], all.EnumerateArray().Select(p => p.GetProperty("coldState").GetString()));

        var one = Json(await world.ExpectAsync(0, "status", "PR-002", "--json"));
        Assert.Equal("blocked", one.GetProperty("coldState").GetString());
        Assert.Equal(["PR-001"], one.GetProperty("unmetDependencies").EnumerateArray().Select(d => d.GetString()));

        // ready: dependency-aware (no PR-002), by priority (critical, high, low).
        var ready = await world.ExpectAsync(0, "ready");
        Assert.Equal(["PR-003", "PR-001", "PR-004"], Regex.Matches(ready.Out, @"(?m)^(PR-\d+)\s").Select(m => m.Groups[1].Value));
        var readyJson = Json(await world.ExpectAsync(0, "ready", "--json"));
        Assert.Equal(["PR-003", "PR-001", "PR-004"], readyJson.EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        // claim: cold → hot, a lease, no commit.
        var head = world.Repo.Head();
        var claim = Json(await world.ExpectAsync(0, "claim", "PR-001", "--agent", "alice", "--json"));
        Assert.Equal("cold-to-hot", claim.GetProperty("kind").GetString());
        Assert.Equal("in-progress", claim.GetProperty("to").GetString());
        Assert.Equal(JsonValueKind.Null, claim.GetProperty("commit").ValueKind);
        var lease = claim.GetProperty("lease").GetString()!;
        var fence = claim.GetProperty("fence").GetInt64();
        Assert.StartsWith($"{fence}:", lease, StringComparison.Ordinal);
        Assert.Equal(head, world.Repo.Head());

        var held = Json(await world.ExpectAsync(0, "status", "PR-001", "--json"));
        Assert.Equal("in-progress", held.GetProperty("hotState").GetString());
        Assert.Equal("alice", held.GetProperty("agent").GetString());
        Assert.Equal(fence, held.GetProperty("fence").GetInt64());
        Assert.Matches(@"(?m)^PR-001\s+ready\s+in-progress\s+alice\s+\d+s ago\s+Project skeleton$", (await world.ExpectAsync(0, "status")).Out);

        // heartbeat: text and JSON; no commit.
        Assert.Contains("PR-001: heartbeat ok", (await world.ExpectAsync(0, "heartbeat", "PR-001", "--agent", "alice", "--lease", lease)).Out, StringComparison.Ordinal);
        Assert.Equal("applied", Json(await world.ExpectAsync(0, "heartbeat", "PR-001", "--agent", "alice", "--lease", lease, "--json")).GetProperty("result").GetString());
        Assert.Equal(head, world.Repo.Head());

        // hot → cold: one milestone commit carrying the lease's fence, then the dependency commit that unblocks PR-002.
        var done = await world.ExpectAsync(0, "transition", "PR-001", "completed", "--agent", "alice", "--lease", lease, "--reason", "skeleton builds");
        Assert.Matches(@"PR-001: in-progress → completed \(commit [0-9a-f]{10}\)", done.Out);
        Assert.Contains("unlocked by dependencies: PR-002", done.Out, StringComparison.Ordinal);
        var titles = world.CommitTitles();
        Assert.Equal("PR-001: in-progress → completed", titles[1]);
        Assert.StartsWith("[Dependencies]", titles[0], StringComparison.Ordinal);
        var milestone = world.Repo.Git("log", "-1", "--format=%B", "HEAD~1");
        Assert.Contains($"- Lease: {fence}", milestone, StringComparison.Ordinal);
        Assert.Contains("- Agent: alice", milestone, StringComparison.Ordinal);
        Assert.Equal(["docs/task-list.md"], world.Repo.Git("show", "--name-only", "--format=", "HEAD~1").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cold_state: completed", world.Repo.Show("HEAD", ContractTaskList.Path), StringComparison.Ordinal);
        Assert.Equal("ready", Json(await world.ExpectAsync(0, "status", "PR-002", "--json")).GetProperty("coldState").GetString());

        // hot → hot steps never commit; release puts the PR back at its cold state.
        var commits = world.CommitCount();
        var bob = Json(await world.ExpectAsync(0, "claim", "PR-004", "--agent", "bob", "--state", "investigating", "--json")).GetProperty("lease").GetString()!;
        var planning = Json(await world.ExpectAsync(0, "transition", "PR-004", "planning", "--agent", "bob", "--lease", bob, "--json"));
        Assert.Equal("hot-to-hot", planning.GetProperty("kind").GetString());
        Assert.Contains("(Redis only, no commit)", (await world.ExpectAsync(0, "transition", "PR-004", "in-progress", "--agent", "bob", "--lease", bob)).Out, StringComparison.Ordinal);
        Assert.Contains("PR-004 released", (await world.ExpectAsync(0, "release", "PR-004", "--agent", "bob", "--lease", bob)).Out, StringComparison.Ordinal);
        Assert.Equal(commits, world.CommitCount());
        var released = Json(await world.ExpectAsync(0, "status", "PR-004", "--json"));
        Assert.Equal(JsonValueKind.Null, released.GetProperty("hotState").ValueKind);
        Assert.Equal("ready", released.GetProperty("state").GetString());

        // completed → under-review → approved, with the lease taken from THERMO_LEASE; cold → cold without a lease.
        var review = Json(await world.ExpectAsync(0, "claim", "PR-003", "--agent", "carol", "--json"));
        Assert.Equal("under-review", review.GetProperty("to").GetString());
        var approved = await world.RunWithAsync(new Dictionary<string, string> { ["THERMO_LEASE"] = review.GetProperty("lease").GetString()!, ["THERMO_AGENT"] = "carol" },
            "transition", "PR-003", "approved", "--json");
        Assert.Equal(0, approved.ExitCode);
        Assert.Equal("hot-to-cold", Json(approved).GetProperty("kind").GetString());
        var blocked = Json(await world.ExpectAsync(0, "transition", "PR-004", "blocked", "--agent", "dave", "--json"));
        Assert.Equal("cold-to-cold", blocked.GetProperty("kind").GetString());

        // PR-004 has no unmet dependency, but an agent blocked it: the block sticks (SPEC: the engine lifts only the
        // blocks it made itself), so no dependency commit follows.
        Assert.Empty(blocked.GetProperty("dependencyChanges").EnumerateArray());
        Assert.Matches("^[0-9a-f]{40}$", blocked.GetProperty("commit").GetString()!);
        Assert.Equal(Domain.States.ColdState.Blocked, Domain.TaskLists.TaskList.Parse(world.Repo.Show("HEAD", "docs/task-list.md")).Find("PR-004")!.ColdState);
        Assert.True(Json(await world.ExpectAsync(0, "transition", "PR-005", "approved", "--agent", "dave", "--json")).GetProperty("noOp").GetBoolean());

        // log: the milestones, newest first, with agents and leases.
        var log = await world.ExpectAsync(0, "log");
        Assert.Matches(@"(?m)^[0-9a-f]{10}\s+\S+ \S+\s+PR-001\s+in-progress → completed\s+alice\s+" + fence + "$", log.Out);
        var history = Json(await world.ExpectAsync(0, "log", "PR-001", "--json"));
        var first = Assert.Single(history.EnumerateArray());
        Assert.Equal("completed", first.GetProperty("to").GetString());
        Assert.Equal(fence, first.GetProperty("lease").GetInt64());
        Assert.Equal("skeleton builds", first.GetProperty("reason").GetString());

        // reconcile: nothing to fix; text and JSON, dry run or not.
        Assert.Contains("no conflicts", (await world.ExpectAsync(0, "reconcile", "--dry-run")).Out, StringComparison.Ordinal);
        var reconcile = Json(await world.ExpectAsync(0, "reconcile", "--json"));
        Assert.True(reconcile.GetProperty("clean").GetBoolean());
        Assert.False(reconcile.GetProperty("dryRun").GetBoolean());

        // Only milestone, dependency and (none yet) display commits; no title ends in a hot state.
        foreach (var title in world.CommitTitles().SkipLast(1))
        {
            Assert.Matches(@"^(PR-\d{3}: \S+ → (new|ready|blocked|planned|completed|approved|broken)|\[Dependencies\] .*|\[Display Sync\] .*)$", title);
        }

        // /metrics counts what happened.
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(world.Hub!.LocalUrl + "/metrics");
        // cold → cold: PR-004 blocked by hand (it stays so), plus the dependency engine's PR-002 new → blocked → ready.
        Assert.Equal(
            "cold-to-cold=3 cold-to-hot=3 hot-to-cold=2 hot-to-hot=2 release=1",
            PrometheusText.ByLabel(metrics, "thermocline_transitions_total", "thermocline_transition_kind"));
        Assert.Equal(
            "cold-to-cold=1 cold-to-hot=3 hot-to-cold=2 hot-to-hot=2 release=1",
            PrometheusText.ByLabel(metrics, "thermocline_transition_duration_seconds_count", "thermocline_transition_kind"));
        Assert.Equal(5, PrometheusText.Samples(metrics, "thermocline_commit_duration_seconds_count").Sum(s => s.Value)); // 2 milestones by agents, 1 by hand, 2 of the engine
        Assert.Equal(1, PrometheusText.Value(metrics, "thermocline_hydration_duration_seconds_count"));
    }

    [Theory]
    [InlineData(Store.Embedded)]
    [InlineData(Store.Redis)]
    public async Task ClaimKeepAlive_RunsTheChildWithTheLease_ExitsWithItsCode(Store store)
    {
        await using var world = HubWorld.Create(store, redis);
        await world.StartHubAsync();
        var seen = world.Repo.PathOf("seen.txt");

        var run = await world.RunAsync("claim", "PR-001", "--agent", "alice", "--keep-alive", "--every", "200ms", "--",
            "sh", "-c", $"echo \"$THERMO_PR $THERMO_AGENT $THERMO_LEASE $THERMO_HUB\" > '{seen}'; exit 7");

        Assert.True(run.ExitCode == 7, run.ToString());
        var fields = File.ReadAllText(seen).Trim().Split(' ');
        Assert.Equal("PR-001", fields[0]);
        Assert.Equal("alice", fields[1]);
        Assert.Equal(world.Hub!.LocalUrl, fields[3]);
        var status = Json(await world.ExpectAsync(0, "status", "PR-001", "--json"));
        Assert.Equal("alice", status.GetProperty("agent").GetString());
        Assert.StartsWith($"{status.GetProperty("fence").GetInt64()}:", fields[2], StringComparison.Ordinal);
        Assert.Matches(@"(?m)^lease \d+:\S+$", run.Out);

        // The lease the child got is the live one: it can finish the work under it.
        await world.ExpectAsync(0, "transition", "PR-001", "completed", "--agent", "alice", "--lease", fields[2]);
    }

    [Theory]
    [InlineData(Store.Embedded)]
    [InlineData(Store.Redis)]
    public async Task ClaimKeepAlive_WhenTheLeaseIsLost_StopsTheChildAndExitsFour(Store store)
    {
        await using var world = HubWorld.Create(store, redis);
        await world.StartHubAsync();
        var leaseFile = world.Repo.PathOf("lease.txt");

        // The child records its lease and waits; meanwhile the lease is released under it.
        var keptAlive = world.RunAsync("claim", "PR-001", "--agent", "alice", "--keep-alive", "--every", "100ms", "--",
            "sh", "-c", $"echo \"$THERMO_LEASE\" > '{leaseFile}.tmp' && mv '{leaseFile}.tmp' '{leaseFile}'; sleep 60");
        await Eventually.TrueAsync(() => File.Exists(leaseFile), "the child wrote its lease");
        await world.ExpectAsync(0, "release", "PR-001", "--agent", "alice", "--lease", File.ReadAllText(leaseFile).Trim());

        var run = await keptAlive;
        Assert.True(run.ExitCode == 4, run.ToString());
    }

    private static JsonElement Json(ThermoRun run)
    {
        using var doc = JsonDocument.Parse(run.Out);
        return doc.RootElement.Clone();
    }

    private static string StripCount(string title) => title.StartsWith("[Dependencies]", StringComparison.Ordinal) ? "[Dependencies] Update PR states from dependencies" : title;
}
