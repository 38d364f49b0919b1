using System.Net;
using System.Text.Json;
using StackExchange.Redis;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>The hub process itself: one per repository, SIGTERM is a clean stop, SIGKILL is recovered from, auth off loopback.</summary>
public sealed class HubLifecycleTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData(Store.Embedded)]
    [InlineData(Store.Redis)]
    public async Task SecondHub_OnTheSameRepository_IsRefusedNamingTheLockAndItsHolder(Store store)
    {
        await using var world = HubWorld.Create(store, redis);
        var first = await world.StartHubAsync();

        var second = world.LaunchHub();
        Assert.Equal(69, await second.WaitForExitAsync());
        Assert.Contains("another hub already runs on this repository", second.Log, StringComparison.Ordinal);
        Assert.Contains($"pid {first.Pid}", second.Log, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(".git", "thermocline", "hub.lock"), second.Log, StringComparison.Ordinal);

        // The first one is unharmed.
        await world.ExpectAsync(0, "status");
    }

    [Fact]
    public async Task Sigterm_DuringStartUpOnABigList_StopsAndTheNextStartSettlesTheList()
    {
        // 10,000 PRs the engine has to settle: SIGTERM arrives once Redis is hydrated, before the dependency commit.
        await using var world = HubWorld.Create(Store.Embedded, redis, TaskListGenerator.Generate(10_000, seed: 3));
        var starting = world.LaunchHub();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!starting.Log.Contains("Start-up: Redis hydrated", StringComparison.Ordinal) && !starting.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Contains("Start-up: Redis hydrated", starting.Log, StringComparison.Ordinal);
        var exit = await starting.TerminateAsync();

        // Stopped before serving (130) or, had start-up won the race, cleanly after it (0); never a hang or a crash.
        Assert.True(exit is 130 or 0, $"exit {exit}; log:\n{starting.Log}");
        var hub = await world.StartHubAsync();
        Assert.Contains("no conflicts", (await world.ExpectAsync(0, "reconcile", "--dry-run")).Out, StringComparison.Ordinal);
        var list = Domain.TaskLists.TaskList.Parse(world.Repo.Show("HEAD", "docs/task-list.md"));
        Assert.False(list.HasErrors);
        Assert.DoesNotContain(list.Prs, p => p.ColdState == Domain.States.ColdState.New);
        Assert.Equal(0, await hub.TerminateAsync());
    }

    [Fact]
    public async Task Hub_OnAPortInUse_ExitsSixtyNineNamingThePort()
    {
        await using var first = HubWorld.Create(Store.Embedded, redis);
        var serving = await first.StartHubAsync();
        var port = new Uri(serving.Address).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var second = HubWorld.Create(Store.Embedded, redis);
        var refused = second.LaunchHub("--port", port);
        Assert.Equal(69, await refused.WaitForExitAsync());
        Assert.Contains($"port {port} is in use", refused.Log, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(second.Repo.GitDir, "thermocline", "hub.lock.owner")));
    }

    [Theory]
    [InlineData(Store.Embedded)]
    [InlineData(Store.Redis)]
    public async Task Sigterm_StopsCleanly_AndTheNextStartNeedsNoRecovery(Store store)
    {
        // No start-up commit, so the final display sync is not skipped for a cold commit in the last 5 s.
        await using var world = HubWorld.Create(store, redis, ContractTaskList.Settled);
        if (store == Store.Embedded)
        {
            // Persisted (append-only log under .git/thermocline/garnet), so the flag's fate outlives the process.
            world.Repo.WriteFile(".thermocline.json", "{\"persist\": true}\n");
        }

        var hub = await world.StartHubAsync();
        await world.ExpectAsync(0, "claim", "PR-001", "--agent", "alice");
        if (store == Store.Redis)
        {
            Assert.Equal(1, await CrashFlagCountAsync(world));
        }

        Assert.Equal(0, await hub.TerminateAsync());
        Assert.Contains("Stopped cleanly", hub.Log, StringComparison.Ordinal);
        Assert.Contains("hub stopped cleanly.", hub.Log, StringComparison.Ordinal);

        // The final display sync shows the hot PR in git; the lock is free again.
        Assert.Equal("[Display Sync] Update hot state visibility", world.CommitTitles()[0]);
        Assert.Contains("PR-001", world.Repo.Show("HEAD", "docs/task-list.md").Split("<!-- HOT STATE DISPLAY -->")[1], StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(world.Repo.GitDir, "thermocline", "hub.lock.owner")));

        // sync:crash_recovery_needed was cleared at the stop: the next start reports no crash, and the hot work survived.
        var restarted = await world.StartHubAsync();
        Assert.Contains("crash recovery False", restarted.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("did not stop cleanly", restarted.Log, StringComparison.Ordinal);
        using var status = JsonDocument.Parse((await world.ExpectAsync(0, "status", "PR-001", "--json")).Out);
        Assert.Equal("alice", status.RootElement.GetProperty("agent").GetString());
        Assert.Equal("in-progress", status.RootElement.GetProperty("hotState").GetString());

        Assert.Equal(0, await restarted.TerminateAsync());
        if (store == Store.Redis)
        {
            Assert.Equal(0, await CrashFlagCountAsync(world));
        }
    }

    [Theory]
    [InlineData(Store.Embedded)]
    [InlineData(Store.Redis)]
    public async Task Sigkill_IsRecoveredFromOnTheNextStart_NoMilestoneLost_FencesKeepGrowing(Store store)
    {
        await using var world = HubWorld.Create(store, redis);
        var hub = await world.StartHubAsync();
        using var first = JsonDocument.Parse((await world.ExpectAsync(0, "claim", "PR-001", "--agent", "alice", "--json")).Out);
        var fence = first.RootElement.GetProperty("fence").GetInt64();
        await world.ExpectAsync(0, "transition", "PR-001", "completed", "--agent", "alice", "--lease", first.RootElement.GetProperty("lease").GetString()!);
        using var review = JsonDocument.Parse((await world.ExpectAsync(0, "claim", "PR-001", "--agent", "bob", "--json")).Out);
        var reviewFence = review.RootElement.GetProperty("fence").GetInt64();

        await hub.KillAsync();
        if (store == Store.Redis)
        {
            Assert.Equal(1, await CrashFlagCountAsync(world));
        }

        var restarted = await world.StartHubAsync();
        Assert.Contains("did not stop cleanly", restarted.Log, StringComparison.Ordinal);
        Assert.Contains("crash recovery True", restarted.Log, StringComparison.Ordinal);

        // The acknowledged milestone is there, in git and in the hub's view.
        using var status = JsonDocument.Parse((await world.ExpectAsync(0, "status", "PR-001", "--json")).Out);
        Assert.Equal("completed", status.RootElement.GetProperty("coldState").GetString());
        Assert.Equal("ready", JsonDocument.Parse((await world.ExpectAsync(0, "status", "PR-002", "--json")).Out).RootElement.GetProperty("coldState").GetString());

        if (store == Store.Redis)
        {
            // Redis kept bob's claim: it is still his, and his lease still works.
            Assert.Equal("bob", status.RootElement.GetProperty("agent").GetString());
            await world.ExpectAsync(4, "claim", "PR-001", "--agent", "carol");
            await world.ExpectAsync(0, "heartbeat", "PR-001", "--agent", "bob", "--lease", review.RootElement.GetProperty("lease").GetString()!);
        }
        else
        {
            // The embedded store was lost with the process; the fence is seeded from git's milestone, so it never goes back.
            Assert.Equal(JsonValueKind.Null, status.RootElement.GetProperty("hotState").ValueKind);
            using var again = JsonDocument.Parse((await world.ExpectAsync(0, "claim", "PR-001", "--agent", "carol", "--json")).Out);
            Assert.True(again.RootElement.GetProperty("fence").GetInt64() > fence, $"fence {again.RootElement.GetProperty("fence")} after a milestone under fence {fence}");
            Assert.True(reviewFence > fence);
        }

        Assert.Equal(0, await restarted.TerminateAsync());
    }

    [Fact]
    public async Task OffLoopback_WithoutAToken_RefusesToStart()
    {
        await using var world = HubWorld.Create(Store.Embedded, redis);
        var hub = world.LaunchHub("--bind", "0.0.0.0");
        Assert.Equal(2, await hub.WaitForExitAsync());
        Assert.Contains("needs a bearer token", hub.Log, StringComparison.Ordinal);
        Assert.Contains("--bind", hub.Log, StringComparison.Ordinal);

        var shortToken = world.LaunchHub("--bind", "0.0.0.0", "--token", "short");
        Assert.Equal(2, await shortToken.WaitForExitAsync());
        Assert.Contains("shorter than 16 characters", shortToken.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("short'", shortToken.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OffLoopback_WithAToken_RefusesRequestsWithoutIt_ServesThoseWithIt()
    {
        await using var world = HubWorld.Create(Store.Embedded, redis);
        var hub = await world.StartHubAsync("--bind", "0.0.0.0", "--token", Token);
        Assert.StartsWith("http://0.0.0.0:", hub.Address, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, hub.Log, StringComparison.Ordinal);

        var none = await world.ExpectAsync(2, "status");
        Assert.Contains("bearer token", none.Error, StringComparison.Ordinal);
        await world.ExpectAsync(2, "claim", "PR-001", "--agent", "a1", "--token", "wrong-token-wrong-token");
        await world.ExpectAsync(0, "status", "--token", Token);
        var fromEnvironment = await world.RunWithAsync(new Dictionary<string, string> { ["THERMO_TOKEN"] = Token }, "claim", "PR-001", "--agent", "a1");
        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.ToString());

        using var http = new HttpClient();
        using var refused = await http.GetAsync(hub.LocalUrl + "/api/prs");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(2, problem.RootElement.GetProperty("exitCode").GetInt32());
        using var metrics = await http.GetAsync(hub.LocalUrl + "/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        using var health = await http.GetAsync(hub.LocalUrl + "/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<long> CrashFlagCountAsync(HubWorld world)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(world.Redis!.ConnectionString);
        return await connection.GetDatabase().KeyExistsAsync(world.KeyPrefix + "sync:crash_recovery_needed") ? 1 : 0;
    }
}
