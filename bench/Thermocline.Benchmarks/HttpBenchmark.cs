using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LibGit2Sharp;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Thermocline.Domain.States;
using Thermocline.Hub.Configuration;
using Thermocline.Hub.Hosting;
using Thermocline.Sync;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// The hub's HTTP API round trip on loopback: an in-process <see cref="HubHost"/> (Kestrel, state sync, git, the hot
/// store) on a generated 200-PR list, one HttpClient, cycles of claim → hot transition → heartbeat → release → a claim
/// reserving the PR's estimated_files → its release, each
/// request timed; next to a raw PING to the same store and the same operations called on the state sync directly, in
/// the same run. Then hot → cold milestones (a git commit each) through HTTP. Arguments:
/// <c>[garnet|redis] [--cycles N]</c> (default both stores, 500 cycles).
/// </summary>
internal sealed partial class HttpBenchmark : IBenchmark
{
    private const int PrCount = 200;
    private const int Milestones = 100;

    public string Name => "http";

    public string Description => "hub HTTP API: claim/transition/heartbeat/release p50/p99 on loopback vs raw PING and direct state-sync calls";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cycles = BenchArgs.Int(args, "--cycles", 500);
        var kinds = args.Where(a => a is "garnet" or "redis").DefaultIfEmpty("garnet").Concat(args.Any(a => a is "garnet" or "redis") ? [] : ["redis"]).Distinct().ToList();
        var isolated = Directory.CreateTempSubdirectory("thermocline-http-bench-home-").FullName;
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System, ConfigurationLevel.ProgramData })
        {
            GlobalSettings.SetConfigSearchPaths(level, isolated);
        }

        try
        {
            foreach (var kind in kinds)
            {
                if (kind == "redis")
                {
                    HotRedisProcess redis;
                    try
                    {
                        redis = await HotRedisProcess.StartAsync(cancellationToken);
                    }
                    catch (InvalidOperationException ex)
                    {
                        Console.WriteLine($"-- redis-server: skipped ({ex.Message})");
                        continue;
                    }

                    await using (redis)
                    {
                        await RunOnAsync("redis-server (process, loopback)", redis.ConnectionString, cycles, cancellationToken);
                    }
                }
                else
                {
                    await RunOnAsync("embedded Garnet (in the hub's process)", null, cycles, cancellationToken);
                }
            }
        }
        finally
        {
            Directory.Delete(isolated, recursive: true);
        }
    }

    private static async Task RunOnAsync(string label, string? redis, int cycles, CancellationToken ct)
    {
        // Every PR ready and free of dependencies, so any of them can be claimed at any time.
        var text = DependenciesLine().Replace(ColdStateLine().Replace(TaskListGenerator.Generate(PrCount, seed: 11), "cold_state: ready"), "dependencies: []");
        using var repo = TempGitRepository.CreateWith("docs/task-list.md", text);
        var options = new HubOptions { Repository = repo.WorkDir, Port = 0, Redis = redis, KeyPrefix = redis is null ? "" : $"bench{Guid.NewGuid():N}:", DisplayIntervalSeconds = 3600 };
        await using var hub = await HubHost.StartAsync(options, NullLoggerFactory.Instance, null, ct);
        await using var raw = await ConnectionMultiplexer.ConnectAsync(hub.Sync.HotStore.Endpoint);
        var db = raw.GetDatabase();
        using var http = new HttpClient { BaseAddress = hub.Address };
        Console.WriteLine($"-- {label}: hub at {hub.Address}, store at {hub.Sync.HotStore.Endpoint}, {PrCount} PRs, {cycles} cycles");

        // Warm up every path (JIT, Kestrel and HttpClient connection, scripts) before measuring.
        await PingAsync(db, 1_000);
        await HttpCyclesAsync(http, Math.Max(100, cycles / 5), ct);
        await DirectCyclesAsync(hub, Math.Max(100, cycles / 5), ct);

        // Interleaved in three rounds so drift and noisy neighbours hit every path alike.
        var ping = new List<double>();
        var viaHttp = new Samples();
        var direct = new Samples();
        for (var round = 0; round < 3; round++)
        {
            ping.AddRange(await PingAsync(db, cycles * 4 / 3));
            viaHttp.Add(await HttpCyclesAsync(http, cycles / 3, ct));
            direct.Add(await DirectCyclesAsync(hub, cycles / 3, ct));
        }

        var pingStats = new Stats(ping);
        Row("raw PING (StackExchange.Redis)", pingStats, pingStats);
        foreach (var (name, samples) in viaHttp.ByOperation)
        {
            Row($"HTTP {name}", new Stats(samples), pingStats, new Stats(direct.ByOperation[name]));
        }

        var all = new Stats(viaHttp.ByOperation.Values.SelectMany(s => s));
        Row("HTTP, every request above", all, pingStats, new Stats(direct.ByOperation.Values.SelectMany(s => s)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  target: HTTP p50 under 1 ms on loopback: {(all.Median < 1 ? "met" : "MISSED")} ({Stats.Ms(all.Median)})"));

        var milestones = await MilestonesAsync(http, ct);
        Row("HTTP claim + milestone (git commit)", milestones, pingStats);
        Console.WriteLine();
    }

    /// <summary>Claim (ready → investigating), transition to planning, heartbeat, release: four requests, each timed.</summary>
    private static async Task<Dictionary<string, List<double>>> HttpCyclesAsync(HttpClient http, int cycles, CancellationToken ct)
    {
        var times = NewTimes();
        for (var i = 0; i < cycles; i++)
        {
            var id = TaskListGenerator.Id((i % (PrCount - Milestones)) + 1);
            var start = Stopwatch.GetTimestamp();
            using var claim = await http.PostAsJsonAsync($"api/prs/{id}/claim", new { agent = "bench", state = "investigating" }, ct);
            var lease = (await claim.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("lease").GetString();
            times["claim"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            using (var step = await http.PostAsJsonAsync($"api/prs/{id}/transition", new { agent = "bench", state = "planning", lease }, ct))
            {
                await step.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct);
            }

            times["transition (hot)"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            using (var beat = await http.PostAsJsonAsync($"api/prs/{id}/heartbeat", new { agent = "bench", lease }, ct))
            {
                await beat.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct);
            }

            times["heartbeat"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            using (var release = await http.PostAsJsonAsync($"api/prs/{id}/release", new { agent = "bench", lease }, ct))
            {
                await release.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct);
            }

            times["release"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            // The same PR again, reserving its estimated_files (a path lease): the reservation check and write on top.
            start = Stopwatch.GetTimestamp();
            using var reserving = await http.PostAsJsonAsync($"api/prs/{id}/claim", new { agent = "bench", state = "investigating", reserve = true }, ct);
            lease = (await reserving.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("lease").GetString();
            times["claim, reserving its files"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            using (var release = await http.PostAsJsonAsync($"api/prs/{id}/release", new { agent = "bench", lease }, ct))
            {
                await release.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct);
            }

            times["release of a reservation"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return times;
    }

    /// <summary>The same cycle called on the hub's state sync directly: what the hub costs without HTTP.</summary>
    private static async Task<Dictionary<string, List<double>>> DirectCyclesAsync(HubHost hub, int cycles, CancellationToken ct)
    {
        var times = NewTimes();
        var sync = hub.Sync;
        for (var i = 0; i < cycles; i++)
        {
            var id = TaskListGenerator.Id((i % (PrCount - Milestones)) + 1);
            var start = Stopwatch.GetTimestamp();
            var lease = (await sync.ClaimAsync(id, "bench", HotState.Investigating, ct)).Lease!;
            times["claim"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            await sync.TransitionAsync(id, WorkState.Of(HotState.Planning), "bench", lease, null, ct);
            times["transition (hot)"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            await sync.HeartbeatAsync(id, "bench", lease, ct);
            times["heartbeat"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            await sync.ReleaseAsync(id, "bench", lease, ct);
            times["release"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            lease = (await sync.ClaimAsync(id, "bench", HotState.Investigating, null, new ClaimReservation(EstimatedFiles: true), ct)).Lease!;
            times["claim, reserving its files"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            await sync.ReleaseAsync(id, "bench", lease, ct);
            times["release of a reservation"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return times;
    }

    /// <summary>Claim and complete the last PRs of the list through HTTP: each completion is one durable git commit.</summary>
    private static async Task<Stats> MilestonesAsync(HttpClient http, CancellationToken ct)
    {
        var times = new List<double>(Milestones);
        for (var i = PrCount - Milestones + 1; i <= PrCount; i++)
        {
            var id = TaskListGenerator.Id(i);
            var start = Stopwatch.GetTimestamp();
            using var claim = await http.PostAsJsonAsync($"api/prs/{id}/claim", new { agent = "bench" }, ct);
            var lease = (await claim.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("lease").GetString();
            using var done = await http.PostAsJsonAsync($"api/prs/{id}/transition", new { agent = "bench", state = "completed", lease }, ct);
            await done.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return new Stats(times);
    }

    private static async Task<List<double>> PingAsync(IDatabase db, int count)
    {
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await db.PingAsync();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return times;
    }

    private static Dictionary<string, List<double>> NewTimes() => new(StringComparer.Ordinal)
    {
        ["claim"] = [],
        ["transition (hot)"] = [],
        ["heartbeat"] = [],
        ["release"] = [],
        ["claim, reserving its files"] = [],
        ["release of a reservation"] = [],
    };

    private static void Row(string what, Stats stats, Stats ping, Stats? direct = null)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"  {what,-36} p50 {Stats.Ms(stats.Median),9}  p99 {Stats.Ms(stats.P99),9}  p50 = {Stats.Ratio(stats.Median, ping.Median),7} PING");
        if (direct is not null)
        {
            line += $"  = {Stats.Ratio(stats.Median, direct.Median)} direct ({Stats.Ms(direct.Median)})";
        }

        Console.WriteLine(line);
    }
    [GeneratedRegex(@"cold_state: \w+")]
    private static partial Regex ColdStateLine();

    [GeneratedRegex(@"dependencies: \[[^\]]*\]")]
    private static partial Regex DependenciesLine();

    /// <summary>Timings per operation, gathered over rounds.</summary>
    private sealed class Samples
    {
        public Dictionary<string, List<double>> ByOperation { get; } = NewTimes();

        public void Add(Dictionary<string, List<double>> round)
        {
            foreach (var (name, values) in round)
            {
                ByOperation[name].AddRange(values);
            }
        }
    }
}
