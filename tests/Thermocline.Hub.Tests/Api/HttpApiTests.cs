using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.Api;

/// <summary>The HTTP API's finer points, against an in-process hub: problem details, bounded bodies, hostile input, health and metrics.</summary>
public sealed class HttpApiTests : IAsyncLifetime
{
    private InProcessHub? _hub;

    private HttpClient Http => _hub!.Http;

    public async Task InitializeAsync() => _hub = await InProcessHub.StartAsync(ContractTaskList.Text);

    public async Task DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task Body_Over64KiB_IsA413Problem()
    {
        var body = JsonSerializer.Serialize(new { agent = "a1", state = "in-progress", padding = new string('x', 64 * 1024) });
        using var response = await Http.PostAsync("api/prs/PR-001/claim", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "usage", 2);
        Assert.Contains("larger than the hub accepts", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null((await GetAsync("api/prs/PR-001")).GetProperty("hotState").GetString());
    }

    [Fact]
    public async Task Body_JustUnder64KiB_IsRead()
    {
        var reason = new string('r', 60 * 1024);
        using var response = await Http.PostAsJsonAsync("api/prs/PR-004/transition", new { agent = "a1", state = "blocked", reason });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("PR-1%0AX")]
    [InlineData("%7BPR-001%7D")]
    [InlineData("PR-..%2F..%2Fetc")]
    [InlineData("PR-001%7D%3Ahot_state")]
    [InlineData("PR-001%20")]
    [InlineData("pr-001")]
    public async Task HostileId_IsRefusedWith400_EverywhereAnIdIsTaken(string id)
    {
        await ProblemAsync(await Http.GetAsync($"api/prs/{id}"), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.PostAsJsonAsync($"api/prs/{id}/claim", new { agent = "a1" }), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.PostAsJsonAsync($"api/prs/{id}/transition", new { agent = "a1", state = "blocked" }), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.PostAsJsonAsync($"api/prs/{id}/heartbeat", new { agent = "a1", lease = "1:abc" }), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.PostAsJsonAsync($"api/prs/{id}/release", new { agent = "a1", lease = "1:abc" }), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.GetAsync($"api/log?pr={id}"), HttpStatusCode.BadRequest, "usage", 2);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("{agent}")]
    [InlineData("../agent")]
    [InlineData("agent one")]
    public async Task HostileAgent_IsRefusedWith400(string agent)
    {
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-001/claim", new { agent }), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-004/transition", new { agent, state = "blocked" }), HttpStatusCode.BadRequest, "usage", 2);
        Assert.Null((await GetAsync("api/prs/PR-001")).GetProperty("hotState").GetString());
    }

    [Fact]
    public async Task MalformedRequests_AreUsageProblems()
    {
        await ProblemAsync(await Http.PostAsync("api/prs/PR-001/claim", new StringContent("{\"agent\":", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-001/claim", new { state = "in-progress" }), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-001/claim", new { agent = "a1", state = "approved" }), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-001/heartbeat", new { agent = "a1" }), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.GetAsync("api/log?limit=0"), HttpStatusCode.BadRequest, "usage", 2);
    }

    [Fact]
    public async Task Failures_MapToStatusKindAndExitCode()
    {
        await ProblemAsync(await Http.GetAsync("api/prs/PR-999"), HttpStatusCode.NotFound, "not-found", 2);
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-001/transition", new { agent = "a1", state = "approved" }), HttpStatusCode.UnprocessableEntity, "invalid-transition", 3);

        using var claim = await Http.PostAsJsonAsync("api/prs/PR-001/claim", new { agent = "a1" });
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-001/claim", new { agent = "a2" }), HttpStatusCode.Conflict, "lease-conflict", 4);
    }

    [Fact]
    public async Task Healthz_ReportsStoresAndStatus()
    {
        var health = await GetAsync("healthz");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("redisEmbedded").GetBoolean());
        Assert.False(health.GetProperty("redisDegraded").GetBoolean());
        Assert.Equal(0, health.GetProperty("queuedHotUpdates").GetInt32());
        Assert.Equal(JsonValueKind.Null, health.GetProperty("taskListProblem").ValueKind);
    }

    [Fact]
    public async Task Healthz_WhileTheTaskListIsBroken_Is503WithTheProblem()
    {
        _hub!.Repo.WriteFile(ContractTaskList.Path, ContractTaskList.Broken);
        _hub.Repo.CommitFiles("A bad hand edit", ContractTaskList.Path);
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-004/transition", new { agent = "a1", state = "blocked" }), HttpStatusCode.UnprocessableEntity, "bad-task-list", 65);

        using var response = await Http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unhealthy", health.RootElement.GetProperty("status").GetString());
        Assert.Contains("task-list.md", health.RootElement.GetProperty("taskListProblem").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, PrometheusText.Value(await Http.GetStringAsync("metrics"), "thermocline_task_list_broken"));
    }

    [Fact]
    public async Task Metrics_ArePrometheusText_WithTransitionsByKind()
    {
        var before = await Http.GetStringAsync("metrics");
        Assert.Null(PrometheusText.Value(before, "thermocline_transitions_total", "thermocline_transition_kind", "cold-to-hot"));
        using var claim = await Http.PostAsJsonAsync("api/prs/PR-001/claim", new { agent = "a1" });
        var lease = (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lease").GetString();
        using var done = await Http.PostAsJsonAsync("api/prs/PR-001/transition", new { agent = "a1", state = "completed", lease });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);

        using var response = await Http.GetAsync("metrics");
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE thermocline_transitions_total counter", text, StringComparison.Ordinal);
        // Only this hub's: the other hubs in this test process count on meters of their own.
        Assert.Equal(1, PrometheusText.Value(text, "thermocline_transitions_total", "thermocline_transition_kind", "cold-to-hot"));
        Assert.Equal(1, PrometheusText.Value(text, "thermocline_transitions_total", "thermocline_transition_kind", "hot-to-cold"));
        Assert.Equal(1, PrometheusText.Value(text, "thermocline_commit_duration_seconds_count", "thermocline_commit_kind", "milestone"));
        Assert.Equal(1, PrometheusText.Value(text, "thermocline_hydration_duration_seconds_count"));
        Assert.Equal(1, PrometheusText.Value(text, "thermocline_startup_duration_seconds_count"));
        Assert.Equal(0, PrometheusText.Value(text, "thermocline_degraded"));
        Assert.Equal(0, PrometheusText.Value(text, "thermocline_hot_updates_queued"));
        Assert.Equal(0, PrometheusText.Value(text, "thermocline_task_list_broken"));
        Assert.Contains("# TYPE thermocline_commit_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("thermocline_commit_duration_seconds_bucket{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeaseStanding_CurrentThenReleased_AndBadFencesAreUsageProblems()
    {
        using var claim = await Http.PostAsJsonAsync("api/prs/PR-001/claim", new { agent = "a1", state = "in-progress" });
        var lease = (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lease").GetString()!;
        var fence = lease[..lease.IndexOf(':', StringComparison.Ordinal)];

        var current = await GetAsync($"api/prs/PR-001/leases/{fence}");
        (await Http.PostAsJsonAsync("api/prs/PR-001/release", new { agent = "a1", lease })).Dispose();
        var ended = await GetAsync($"api/prs/PR-001/leases/{fence}");

        Assert.Equal(("current", "a1"), (current.GetProperty("standing").GetString(), current.GetProperty("agent").GetString()));
        Assert.Equal(("ended", "released"), (ended.GetProperty("standing").GetString(), ended.GetProperty("ending").GetString()));
        Assert.Contains("released", ended.GetProperty("message").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await Http.GetAsync("api/prs/PR-001/leases/0"), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.GetAsync("api/prs/PR-001/leases/-1"), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.GetAsync("api/prs/PR-001/leases/1x"), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.GetAsync("api/prs/PR-001%7D/leases/1"), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.GetAsync("api/prs/PR-999/leases/1"), HttpStatusCode.NotFound, "not-found", 2);
    }

    [Fact]
    public async Task Reservations_ClaimWithPaths_ListedShownOnThePrAndRefusedToAnOverlappingClaim()
    {
        using var claim = await Http.PostAsJsonAsync("api/prs/PR-001/claim", new { agent = "a1", paths = new[] { "src/Config/**" } });
        var claimed = await claim.Content.ReadFromJsonAsync<JsonElement>();
        using var overlapping = await Http.PostAsJsonAsync("api/prs/PR-004/claim", new { agent = "a2", paths = new[] { "src/Config/Loader.cs" } });
        var reservations = await GetAsync("api/reservations");
        var pr = await GetAsync("api/prs/PR-001");

        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        Assert.Equal("src/Config/**", claimed.GetProperty("reservedPaths")[0].GetString());
        var refused = await ProblemAsync(overlapping, HttpStatusCode.Conflict, "lease-conflict", 4);
        Assert.Contains("PR-001 (a1", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, reservations.GetArrayLength());
        Assert.Equal(("PR-001", "a1", "src/Config/**"), (reservations[0].GetProperty("prId").GetString(), reservations[0].GetProperty("agent").GetString(),
            reservations[0].GetProperty("paths")[0].GetString()));
        Assert.Equal("src/Config/**", pr.GetProperty("reservedPaths")[0].GetString());
        Assert.Null((await GetAsync("api/prs/PR-004")).GetProperty("hotState").GetString());
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-004/claim", new { agent = "a2", paths = new[] { "/etc/passwd" } }), HttpStatusCode.BadRequest, "usage", 2);
        await ProblemAsync(await Http.PostAsJsonAsync("api/prs/PR-004/claim", new { agent = "a2", reserve = true }), HttpStatusCode.BadRequest, "usage", 2);
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string kind, int exitCode)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement.Clone();
            Assert.Equal(kind, root.GetProperty("kind").GetString());
            Assert.Equal(exitCode, root.GetProperty("exitCode").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("detail").GetString()));
            return root;
        }
    }
}
