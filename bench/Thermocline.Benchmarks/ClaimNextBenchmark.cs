using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using LibGit2Sharp;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using Thermocline.Domain.TaskLists;
using Thermocline.Hub.Api;
using Thermocline.Hub.Configuration;
using Thermocline.Hub.Hosting;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// The claim of the next PR through HTTP and MCP, on an in-process <see cref="HubHost"/> on embedded Garnet started as the http
/// benchmark starts one: <c>POST /api/claim-next</c> and the MCP tool <c>claim</c> with <c>next: true</c> (the official C#
/// SDK's client over Streamable HTTP to <c>/mcp</c>) on a 1,000-PR list next to a plain <c>POST /api/prs/{id}/claim</c> of
/// one ready PR, interleaved; the <c>--wait</c> wake-up (how soon a waiting claim-next answers after the milestone that
/// unblocks its PR answered) next to a <c>GET /api/prs/{id}</c> round trip; and 16 concurrent callers, claims/s, claim-next
/// against plain claims of distinct PRs. Arguments: <c>[--prs N] [--claims N] [--wakeups N] [--callers N]</c> (defaults
/// 1,000 PRs, 200 claims of each kind, 20 wake-ups, 16 callers).
/// </summary>
internal sealed class ClaimNextBenchmark : IBenchmark
{
    private const int WarmUps = 50;
    private const int WarmUpWakes = 3;
    private const int GetsPerWake = 10;
    private const int PerCaller = 10;
    private const int ConcurrentRounds = 3;

    // How long the waiting claim-next gets to reach its wait before the milestone is sent: its own round trip is ~1 ms,
    // and the hub offers no sign of a waiter to poll for. Not part of any figure.
    private const int SettleMs = 100;

    public string Name => "claimnext";

    public string Description => "POST /api/claim-next and MCP claim next p50/p99 vs a plain claim; --wait wake-up after the unblocking milestone vs GET /api/prs/{id}; 16 callers, claims/s";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var prs = BenchArgs.Int(args, "--prs", 1_000);
        var claims = BenchArgs.Int(args, "--claims", 200);
        var wakeups = BenchArgs.Int(args, "--wakeups", 20);
        var callers = BenchArgs.Int(args, "--callers", 16);
        var isolated = Directory.CreateTempSubdirectory("thermocline-claimnext-bench-home-").FullName;
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System, ConfigurationLevel.ProgramData })
        {
            GlobalSettings.SetConfigSearchPaths(level, isolated);
        }

        try
        {
            await ClaimsAsync(prs, claims, callers, cancellationToken);
            await WakeUpsAsync(prs, wakeups, cancellationToken);
        }
        finally
        {
            Directory.Delete(isolated, recursive: true);
        }
    }

    /// <summary>Sections 1 and 3: one claim at a time, then many callers at once, on a list of ready PRs.</summary>
    private static async Task ClaimsAsync(int prs, int claims, int callers, CancellationToken ct)
    {
        // The concurrent section keeps every claim, claim-next's from the top of the list and the plain ones from the
        // bottom, so the list must hold both without overlap.
        var count = Math.Max(prs, (2 * callers * PerCaller * ConcurrentRounds) + 1);
        var text = TaskListText(Enumerable.Range(1, count).Select(i => (Id(i), "ready", "")));
        using var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, text);
        await using var hub = await HubHost.StartAsync(Options(repo), NullLoggerFactory.Instance, null, ct);
        using var http = new HttpClient { BaseAddress = hub.Address };
        var mcpTransport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(hub.Address, "mcp"), TransportMode = HttpTransportMode.StreamableHttp });
        await using var mcp = await McpClient.CreateAsync(mcpTransport, cancellationToken: ct);
        var first = Id(1);
        Console.WriteLine($"-- embedded Garnet (in the hub's process): hub at {hub.Address}, {count:N0} PRs, all ready, one priority");

        // One claim at a time. Each claim is released again (untimed), so every claim of any kind meets the same hub:
        // one hot PR at most, the same ready list, and claim-next's best PR is always the first one, the very PR the plain
        // claim takes. Distinct PRs left claimed would let the hot index and the ready list drift between the kinds.
        // The MCP claim is a tool call on one client initialized beforehand (the server is stateless: each call is one
        // POST to /mcp, as an agent's client makes it once connected).
        var plain = new List<double>(claims);
        var next = new List<double>(claims);
        var viaMcp = new List<double>(claims);
        List<double>[] timings = [plain, next, viaMcp];
        var ready = new List<double>(claims);
        for (var i = -WarmUps; i < claims; i++)
        {
            // Rotating which goes first, so none always follows the same one's release.
            for (var turn = 0; turn < timings.Length; turn++)
            {
                var kind = (turn + Math.Abs(i)) % timings.Length;
                var start = Stopwatch.GetTimestamp();
                var (pr, lease) = kind switch
                {
                    0 => Claimed(await PostAsync(http, $"api/prs/{first}/claim", new ClaimRequest("a1", null), HubJsonContext.Default.ClaimRequest, ct)),
                    1 => Claimed(await PostAsync(http, "api/claim-next", new ClaimNextRequest("a1", null), HubJsonContext.Default.ClaimNextRequest, ct)),
                    _ => await McpClaimNextAsync(mcp, "a1", ct),
                };
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (pr != first)
                {
                    throw new InvalidOperationException($"claim {kind} took {pr}, not {first}");
                }

                await ReleaseAsync(http, first, "a1", lease, ct);
                if (i >= 0)
                {
                    timings[kind].Add(ms);
                }
            }

            // What claim-next does besides the claim: the ready list, here called on the state sync directly.
            var listed = Stopwatch.GetTimestamp();
            await hub.Sync.ReadyAsync(ct);
            if (i >= 0)
            {
                ready.Add(Stopwatch.GetElapsedTime(listed).TotalMilliseconds);
            }
        }

        var nextStats = new Stats(next);
        var plainStats = new Stats(plain);
        Console.WriteLine($"  one caller, {claims} claims of each kind, interleaved, each released (untimed) before the next:");
        var mcpStats = new Stats(viaMcp);
        Row("POST /api/prs/{id}/claim (baseline)", plainStats, plainStats, "claim", p99: true);
        Row("POST /api/claim-next", nextStats, plainStats, "claim", p99: true);
        Row("MCP claim next: true (POST /mcp)", mcpStats, plainStats, "claim", p99: true);
        Console.WriteLine($"  {"  MCP next to POST /api/claim-next",-40} p50 = {Stats.Ratio(mcpStats.Median, nextStats.Median)}  p99 = {Stats.Ratio(mcpStats.P99, nextStats.P99)}");
        Row("StateSync.ReadyAsync, direct (context)", new Stats(ready), plainStats, "claim");

        await ConcurrentAsync(http, count, callers, ct);
        Console.WriteLine();
    }

    /// <summary>
    /// Section 3: <paramref name="callers"/> callers at once, each making <see cref="PerCaller"/> claims one after another;
    /// bursts of claim-next and of plain claims alternate over rounds. Every claim stays (distinct PRs), so a claim-next
    /// caller that loses a race for the best PR goes on to the next, as the real command does.
    /// </summary>
    private static async Task ConcurrentAsync(HttpClient http, int count, int callers, CancellationToken ct)
    {
        // Open every connection first, so the first burst does not pay for them.
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            using var get = await http.GetAsync(new Uri($"api/prs/{Id(1)}", UriKind.Relative), ct);
            await get.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct);
        }));

        var taken = new HashSet<string>(StringComparer.Ordinal);
        var nextTimes = new List<double>();
        var plainTimes = new List<double>();
        double nextWall = 0, plainWall = 0;
        for (var round = 0; round < ConcurrentRounds; round++)
        {
            for (var turn = 0; turn < 2; turn++)
            {
                var viaNext = (turn == 0) == (round % 2 == 0);
                var r = round;
                var start = Stopwatch.GetTimestamp();
                var bursts = await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
                {
                    var results = new List<(string Pr, double Ms)>(PerCaller);
                    for (var k = 0; k < PerCaller; k++)
                    {
                        var began = Stopwatch.GetTimestamp();
                        var view = viaNext
                            ? await PostAsync(http, "api/claim-next", new ClaimNextRequest($"n{caller}", null), HubJsonContext.Default.ClaimNextRequest, ct)
                            : await PostAsync(http, $"api/prs/{Id(count - (((r * callers) + caller) * PerCaller) - k)}/claim",
                                new ClaimRequest($"p{caller}", null), HubJsonContext.Default.ClaimRequest, ct);
                        results.Add((view.PrId, Stopwatch.GetElapsedTime(began).TotalMilliseconds));
                    }

                    return results;
                }));
                var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                foreach (var (pr, ms) in bursts.SelectMany(b => b))
                {
                    if (!taken.Add(pr))
                    {
                        throw new InvalidOperationException($"{pr} was claimed twice");
                    }

                    (viaNext ? nextTimes : plainTimes).Add(ms);
                }

                if (viaNext)
                {
                    nextWall += wall;
                }
                else
                {
                    plainWall += wall;
                }
            }
        }

        var total = callers * PerCaller * ConcurrentRounds;
        var nextRate = total / (nextWall / 1000);
        var plainRate = total / (plainWall / 1000);
        var plainStats = new Stats(plainTimes);
        Console.WriteLine($"  {callers} callers at once, {PerCaller} claims each per burst, {ConcurrentRounds} bursts of each kind alternating, every claim kept ({total} of each, distinct PRs, none twice):");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"plain claims (baseline)",-40} {plainRate,8:F0} claims/s  per request p50 {Stats.Ms(plainStats.Median),9}  p99 {Stats.Ms(plainStats.P99),9}  max {Stats.Ms(plainStats.Percentile(100)),9}"));
        var nextStats = new Stats(nextTimes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"claim-next",-40} {nextRate,8:F0} claims/s  per request p50 {Stats.Ms(nextStats.Median),9}  p99 {Stats.Ms(nextStats.P99),9}  max {Stats.Ms(nextStats.Percentile(100)),9}  throughput = {Stats.Ratio(nextRate, plainRate)} plain"));
    }

    /// <summary>
    /// Section 2: a claim-next waiting on one PR that the hub's start-up blocked on a dependency another agent holds; that
    /// agent completes the dependency, and the dependency engine lifts the block. Timed from the milestone's answer to the
    /// claim-next's answer; next to plain <c>GET /api/prs/{id}</c> round trips made between the wake-ups.
    /// </summary>
    private static async Task WakeUpsAsync(int prs, int wakeups, CancellationToken ct)
    {
        var pairs = wakeups + WarmUpWakes;
        var fillers = Math.Max(1, prs - (2 * pairs));

        // The waiting PRs start new, so the block is the engine's own (a [Dependencies] commit at start-up): the engine
        // lifts only the blocks it made.
        var list = Enumerable.Range(1, fillers).Select(i => (Id(i), "ready", ""))
            .Concat(Enumerable.Range(1, pairs).SelectMany(p => new[] { (Dependency(p), "ready", ""), (Waiter(p), "new", Dependency(p)) }));
        using var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, TaskListText(list));
        await using var hub = await HubHost.StartAsync(Options(repo), NullLoggerFactory.Instance, null, ct);
        using var http = new HttpClient { BaseAddress = hub.Address };
        var blocked = await GetAsync(http, Waiter(1), ct);
        if (blocked.ColdState != "blocked")
        {
            throw new InvalidOperationException($"{Waiter(1)} is {blocked.ColdState} after start-up, not blocked");
        }

        Console.WriteLine($"-- embedded Garnet (in the hub's process): hub at {hub.Address}, {fillers + (2 * pairs):N0} PRs, {pairs} pairs of PR-Wnn blocked on PR-Dnn");

        var wake = new List<double>(wakeups);
        var fromSent = new List<double>(wakeups);
        var milestone = new List<double>(wakeups);
        var gets = new List<double>(wakeups * GetsPerWake);
        for (var p = 1; p <= pairs; p++)
        {
            var (d, w) = (Dependency(p), Waiter(p));
            var held = await PostAsync(http, $"api/prs/{d}/claim", new ClaimRequest("holder", null), HubJsonContext.Default.ClaimRequest, ct);
            var waiting = ClaimWhenReadyAsync(http, w, ct);
            await Task.Delay(SettleMs, ct);
            if (waiting.IsCompleted)
            {
                throw new InvalidOperationException($"claim-next of {w} answered before {d} was completed: {(await waiting).View.PrId}");
            }

            var sent = Stopwatch.GetTimestamp();
            var done = await PostAsync(http, $"api/prs/{d}/transition", new TransitionRequest("holder", "completed", held.Lease, null), HubJsonContext.Default.TransitionRequest, ct);
            var answered = Stopwatch.GetTimestamp();
            var (claimAnswered, view) = await waiting;
            if (view.PrId != w || !done.DependencyChanges.Any(c => c.Contains(w, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"expected {d}'s milestone to unblock {w} and the waiter to claim it; got {view.PrId}, changes [{string.Join("; ", done.DependencyChanges)}]");
            }

            for (var g = 0; g < GetsPerWake; g++)
            {
                var start = Stopwatch.GetTimestamp();
                await GetAsync(http, Id(1 + (g % fillers)), ct);
                if (p > WarmUpWakes)
                {
                    gets.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }

            if (p > WarmUpWakes)
            {
                wake.Add(Stopwatch.GetElapsedTime(answered, claimAnswered).TotalMilliseconds);
                fromSent.Add(Stopwatch.GetElapsedTime(sent, claimAnswered).TotalMilliseconds);
                milestone.Add(Stopwatch.GetElapsedTime(sent, answered).TotalMilliseconds);
            }
        }

        var getStats = new Stats(gets);
        var wakeStats = new Stats(wake);
        Console.WriteLine($"  {wakeups} wake-ups (after {WarmUpWakes} unmeasured), each a fresh pair; {gets.Count} GETs between them:");
        Row("GET /api/prs/{id} (baseline)", getStats, getStats, "GET");
        Row("wake-up: milestone answer → claim-next", wakeStats, getStats, "GET", max: true);
        Row("milestone sent → claim-next answer", new Stats(fromSent), getStats, "GET", max: true);
        Row("the milestone's round trip (context)", new Stats(milestone), getStats, "GET", max: true);
        if (wakeStats.Percentile(0) < 0)
        {
            Console.WriteLine("  (a negative wake-up: the claim-next answered before the milestone did; the milestone answers only after its dependency commit)");
        }

        Console.WriteLine();
    }

    /// <summary>A claim-next that waits up to 30 s for <paramref name="pr"/>; answers when its answer arrived, and the claim.</summary>
    private static async Task<(long AnsweredAt, TransitionView View)> ClaimWhenReadyAsync(HttpClient http, string pr, CancellationToken ct)
    {
        var view = await PostAsync(http, "api/claim-next", new ClaimNextRequest("w", null, [pr], null, 30), HubJsonContext.Default.ClaimNextRequest, ct);
        return (Stopwatch.GetTimestamp(), view);
    }

    /// <summary>The MCP tool <c>claim</c> with <c>next: true</c>; answers the PR and the lease from its structured content.</summary>
    private static async Task<(string Pr, string? Lease)> McpClaimNextAsync(McpClient mcp, string agent, CancellationToken ct)
    {
        var result = await mcp.CallToolAsync("claim", new Dictionary<string, object?> { ["agent"] = agent, ["next"] = true }, cancellationToken: ct);
        if (result.IsError is true || result.StructuredContent is not { } claimed)
        {
            throw new InvalidOperationException("MCP claim next: " + string.Concat(result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(t => t.Text)));
        }

        return (claimed.GetProperty("prId").GetString()!, claimed.GetProperty("lease").GetString());
    }

    private static (string Pr, string? Lease) Claimed(TransitionView view) => (view.PrId, view.Lease);

    private static HubOptions Options(TempGitRepository repo) =>
        new() { Repository = repo.WorkDir, Port = 0, Redis = null, KeyPrefix = "", DisplayIntervalSeconds = 3600 };

    private static async Task<TransitionView> PostAsync<T>(HttpClient http, string path, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, type, ct);
        return await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync(HubJsonContext.Default.TransitionView, ct)
            ?? throw new InvalidOperationException($"POST {path}: empty answer");
    }

    private static async Task ReleaseAsync(HttpClient http, string pr, string agent, string? lease, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri($"api/prs/{pr}/release", UriKind.Relative), new LeaseRequest(agent, lease), HubJsonContext.Default.LeaseRequest, ct);
        await response.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct);
    }

    private static async Task<PrView> GetAsync(HttpClient http, string pr, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri($"api/prs/{pr}", UriKind.Relative), ct);
        return await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync(HubJsonContext.Default.PrView, ct)
            ?? throw new InvalidOperationException($"GET api/prs/{pr}: empty answer");
    }

    /// <summary>A task list in the tests' block format: one heading and one YAML block per PR, every PR of one priority.</summary>
    private static string TaskListText(IEnumerable<(string Id, string ColdState, string Dependencies)> prs)
    {
        var sb = new StringBuilder("# Task List\n\nA list for the claimnext benchmark.\n\n");
        foreach (var (id, state, dependencies) in prs)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"### {id}: Work item {id}\n\n---\npr_id: {id}\ntitle: Work item {id}\ncold_state: {state}\npriority: medium\ndependencies: [{dependencies}]\n---\n\nWork on {id}.\n\n");
        }

        return sb.ToString();
    }

    private static string Id(int i) => string.Create(CultureInfo.InvariantCulture, $"PR-{i:D4}");

    private static string Dependency(int pair) => string.Create(CultureInfo.InvariantCulture, $"PR-D{pair:D2}");

    private static string Waiter(int pair) => string.Create(CultureInfo.InvariantCulture, $"PR-W{pair:D2}");

    private static void Row(string what, Stats stats, Stats baseline, string baselineName, bool max = false, bool p99 = false)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"  {what,-40} p50 {Stats.Ms(stats.Median),9}  p99 {Stats.Ms(stats.P99),9}");
        if (max)
        {
            line += $"  max {Stats.Ms(stats.Percentile(100)),9}";
        }

        line += $"  p50 = {Stats.Ratio(stats.Median, baseline.Median)} {baselineName}";
        Console.WriteLine(p99 ? line + $"  p99 = {Stats.Ratio(stats.P99, baseline.P99)}" : line);
    }
}
