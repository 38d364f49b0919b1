using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// Views that must not lie, through the real <c>thermo</c> binary against a real hub: a Redis outage is not "0 hot", a
/// deleted PR takes no heartbeats, and a task list that does not parse is said to be stale, and stops decisions.
/// </summary>
public sealed class HonestViewTests
{
    [Fact]
    public async Task Status_RedisDown_HotStateUnknownWarnsAndExits69()
    {
        var redis = new RedisServerFixture();
        await redis.InitializeAsync();
        try
        {
            await using var world = HubWorld.Create(Store.Redis, redis);
            await world.StartHubAsync();
            await world.ExpectAsync(0, "claim", "PR-001", "--agent", "alice");
            Assert.Contains("5 PRs, 1 hot", (await world.ExpectAsync(0, "status")).Out, StringComparison.Ordinal);

            await redis.Server.KillAsync();
            await Eventually.ReturnsAsync(
                () => world.Http.GetFromJsonAsync<JsonElement>("api/prs"),
                prs => prs.EnumerateArray().All(p => p.GetProperty("hotStateUnavailable").GetBoolean()),
                "GET /api/prs says the hot state is unavailable");

            var status = await world.ExpectAsync(69, "status");
            Assert.Contains("Redis is unreachable", status.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("0 hot", status.Out, StringComparison.Ordinal);
            Assert.Contains("5 PRs, hot state unknown", status.Out, StringComparison.Ordinal);
            Assert.Matches(@"(?m)^PR-001\s+ready\s+\?\s+\?\s+\?\s+Project skeleton$", status.Out);

            var json = await world.ExpectAsync(69, "status", "--json");
            using (var prs = JsonDocument.Parse(json.Out))
            {
                Assert.Equal(JsonValueKind.Array, prs.RootElement.ValueKind);
                Assert.All(prs.RootElement.EnumerateArray(), p => Assert.True(p.GetProperty("hotStateUnavailable").GetBoolean()));
            }

            Assert.Contains("Redis is unreachable", (await world.ExpectAsync(69, "ready")).Error, StringComparison.Ordinal);
            await world.ExpectAsync(69, "status", "PR-001");
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task Heartbeat_PrDeletedFromTaskList_Exits2AndHttp404()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        await world.StartHubAsync();
        using var claim = JsonDocument.Parse((await world.ExpectAsync(0, "claim", "PR-004", "--agent", "alice", "--json")).Out);
        var lease = claim.RootElement.GetProperty("lease").GetString()!;
        await world.ExpectAsync(0, "heartbeat", "PR-004", "--agent", "alice", "--lease", lease);

        var text = world.Repo.ReadFile(ContractTaskList.Path);
        var start = text.IndexOf("### PR-004:", StringComparison.Ordinal);
        var end = text.IndexOf("### PR-005:", StringComparison.Ordinal);
        world.Repo.WriteFile(ContractTaskList.Path, text[..start] + text[end..]);
        world.Repo.CommitFiles("Drop PR-004: not needed after all", ContractTaskList.Path);

        var beat = await world.ExpectAsync(2, "heartbeat", "PR-004", "--agent", "alice", "--lease", lease);
        Assert.Contains("PR-004 is not in the task list", beat.Error, StringComparison.Ordinal);
        await world.ExpectAsync(2, "heartbeat", "PR-004", "--agent", "alice", "--lease", lease, "--every", "1s");
        await ProblemDocument.AssertAsync(
            await world.Http.PostAsJsonAsync("api/prs/PR-004/heartbeat", new { agent = "alice", lease }), HttpStatusCode.NotFound, "not-found", 2);
    }

    [Fact]
    public async Task StatusReadyClaim_TaskListBroken_StaleWarnedReadyAndClaimExit65()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        await world.StartHubAsync();
        world.Repo.WriteFile(ContractTaskList.Path, ContractTaskList.Broken);
        world.Repo.CommitFiles("A bad hand edit", ContractTaskList.Path);

        // status: the last good list, said to be stale, exit 0.
        var status = await world.ExpectAsync(0, "status");
        Assert.Contains("does not parse", status.Error, StringComparison.Ordinal);
        Assert.Contains("5 PRs, 0 hot", status.Out, StringComparison.Ordinal);
        Assert.All(Array(await world.ExpectAsync(0, "status", "--json")), p => Assert.True(p.GetProperty("taskListStale").GetBoolean()));
        Assert.True(Json(await world.ExpectAsync(0, "status", "PR-001", "--json")).GetProperty("taskListStale").GetBoolean());

        // ready and claim are decisions: 65.
        var ready = await world.ExpectAsync(65, "ready");
        Assert.Contains("does not parse", ready.Error, StringComparison.Ordinal);
        Assert.Contains("PR-001", ready.Out, StringComparison.Ordinal);
        Assert.All(Array(await world.ExpectAsync(65, "ready", "--json")), p => Assert.True(p.GetProperty("taskListStale").GetBoolean()));
        var claim = await world.ExpectAsync(65, "claim", "PR-004", "--agent", "alice");
        Assert.Contains("claims are refused", claim.Error, StringComparison.Ordinal);
        Assert.Contains("task-list.md", claim.Error, StringComparison.Ordinal);
        await ProblemDocument.AssertAsync(
            await world.Http.PostAsJsonAsync("api/prs/PR-004/claim", new { agent = "alice" }), HttpStatusCode.UnprocessableEntity, "bad-task-list", 65);

        // Fixed and committed: no warning, claims flow.
        world.Repo.WriteFile(ContractTaskList.Path, world.Repo.Show("HEAD~1", ContractTaskList.Path));
        world.Repo.CommitFiles("Fix the hand edit", ContractTaskList.Path);
        Assert.Equal("", (await world.ExpectAsync(0, "ready")).Error);
        Assert.Equal("", (await world.ExpectAsync(0, "status")).Error);
        await world.ExpectAsync(0, "claim", "PR-004", "--agent", "alice");
    }

    private static JsonElement Json(ThermoRun run)
    {
        using var json = JsonDocument.Parse(run.Out);
        return json.RootElement.Clone();
    }

    private static List<JsonElement> Array(ThermoRun run)
    {
        var root = Json(run);
        Assert.Equal(JsonValueKind.Array, root.ValueKind);
        return [.. root.EnumerateArray()];
    }
}
