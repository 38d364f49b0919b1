using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LibGit2Sharp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Thermocline.Hub.Configuration;
using Thermocline.Hub.Hosting;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// The web board on a 1,000-PR list served by an in-process <see cref="HubHost"/> (40 PRs held by agents, some with a
/// handoff note): the page's weight (HTML, JS and CSS bytes as the hub serves them, plain and gzipped) next to the
/// JSON of <c>GET /api/prs</c> for the same list; then, in headless chromium, the time from navigation start to every
/// card present (a fresh browser context each run: nothing cached), next to the time the same page takes to fetch and
/// parse <c>/api/prs</c> alone in a page of the same origin (the floor any board has to pay), measured in the same run. Arguments:
/// <c>[--prs N] [--runs N]</c> (default 1,000 PRs, 5 runs).
/// </summary>
internal sealed class BoardBenchmark : IBenchmark
{
    // Debian's chromium: Playwright's own browser download cannot work on these machines (the board's browser tests use the same).
    private const string Chromium = "/usr/bin/chromium";
    private const int Held = 40;

    private static readonly string[] Kinds = ["HTML", "JS", "CSS", "other"];

    public string Name => "board";

    public string Description => "web board on 1k PRs: page weight vs the /api/prs JSON; navigation → all cards rendered in headless chromium vs fetch+parse /api/prs";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var count = BenchArgs.Int(args, "--prs", 1_000);
        var runs = BenchArgs.Int(args, "--runs", 5);
        if (!File.Exists(Chromium))
        {
            Console.WriteLine($"-- skipped: {Chromium} not found (apt-get install -y chromium)");
            return;
        }

        var isolated = Directory.CreateTempSubdirectory("thermocline-board-bench-home-").FullName;
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System, ConfigurationLevel.ProgramData })
        {
            GlobalSettings.SetConfigSearchPaths(level, isolated);
        }

        try
        {
            using var repo = TempGitRepository.CreateWith("docs/task-list.md", TaskListGenerator.Generate(count, seed: 14));
            var options = new HubOptions { Repository = repo.WorkDir, Port = 0, DisplayIntervalSeconds = 3600 };
            await using var hub = await HubHost.StartAsync(options, NullLoggerFactory.Instance, null, cancellationToken);
            using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = hub.Address };
            await HoldSomeAsync(http, cancellationToken);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            });
            var load = File.Exists("/proc/loadavg") ? $", load {(await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ')[0]} on {Environment.ProcessorCount} cores" : "";
            Console.WriteLine($"-- embedded Garnet: hub at {hub.Address}, {count:N0} PRs ({Held} held by agents), chromium {browser.Version} headless, {runs} runs (after one warm-up){load}");

            var files = await WeighAsync(browser, hub.Address, count, http, cancellationToken);
            await TimeAsync(browser, hub.Address, count, runs, files);
        }
        finally
        {
            Directory.Delete(isolated, recursive: true);
        }
    }

    /// <summary>Claims the first <see cref="Held"/> claimable PRs, a note on every other one, so the cards show holders, leases and notes.</summary>
    private static async Task HoldSomeAsync(HttpClient http, CancellationToken ct)
    {
        var prs = await http.GetFromJsonAsync<JsonElement>("api/prs", ct);
        var claimable = prs.EnumerateArray().Where(p => p.GetProperty("claimableAs").GetArrayLength() > 0).Take(Held).ToList();
        for (var i = 0; i < claimable.Count; i++)
        {
            var id = claimable[i].GetProperty("id").GetString();
            var states = claimable[i].GetProperty("claimableAs").EnumerateArray().Select(s => s.GetString()).ToList();
            using var claim = await http.PostAsJsonAsync($"api/prs/{id}/claim", new { agent = $"agent-{(i % 8) + 1}", state = states.Contains("in-progress") ? "in-progress" : states[0] }, ct);
            if (!claim.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"claim {id}: {(int)claim.StatusCode} {await claim.Content.ReadAsStringAsync(ct)}");
            }

            var lease = (await claim.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("lease").GetString();
            if (i % 2 == 0)
            {
                using var beat = await http.PostAsJsonAsync($"api/prs/{id}/heartbeat", new { agent = $"agent-{(i % 8) + 1}", lease, note = $"step {i}: tests pass locally, opening the review next" }, ct);
                beat.EnsureSuccessStatusCode();
            }
        }
    }

    /// <summary>
    /// Loads the board once, notes every file the page asked the hub for, and weighs each as the hub serves it (plain,
    /// and gzipped when the hub offers it); then the JSON of GET /api/prs. Returns how many files the page loads.
    /// </summary>
    private static async Task<int> WeighAsync(IBrowser browser, Uri hub, int count, HttpClient http, CancellationToken ct)
    {
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var asked = new List<(string Url, string Type)>();
        page.Request += (_, r) =>
        {
            if (r.Url.StartsWith(hub.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && r.ResourceType is "document" or "script" or "stylesheet" or "font" or "image")
            {
                lock (asked)
                {
                    asked.Add((r.Url, r.ResourceType));
                }
            }
        };
        await page.GotoAsync(hub.ToString());
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('article.card').length >= {count}", null, new() { Timeout = 120_000 });

        var sizes = new Dictionary<string, (long Plain, long Gzip)>(StringComparer.Ordinal);
        foreach (var (url, type) in asked.DistinctBy(a => a.Url))
        {
            var (plain, gzip) = await SizeAsync(http, url, ct);
            var kind = type switch { "document" => "HTML", "script" => "JS", "stylesheet" => "CSS", _ => "other" };
            var sum = sizes.GetValueOrDefault(kind);
            sizes[kind] = (sum.Plain + plain, sum.Gzip + gzip);
        }

        var total = (Plain: sizes.Values.Sum(s => s.Plain), Gzip: sizes.Values.Sum(s => s.Gzip));
        var json = await SizeAsync(http, new Uri(hub, "api/prs").ToString(), ct);
        var files = asked.DistinctBy(a => a.Url).Count();
        Console.WriteLine($"  page weight, {files} files as the hub serves them (plain / gzip):");
        foreach (var kind in Kinds.Where(sizes.ContainsKey))
        {
            Console.WriteLine($"    {kind,-6} {Kb(sizes[kind].Plain),10} / {Kb(sizes[kind].Gzip),10}");
        }

        Console.WriteLine($"    {"total",-6} {Kb(total.Plain),10} / {Kb(total.Gzip),10}");
        Console.WriteLine($"  GET /api/prs JSON, {count:N0} PRs: {Kb(json.Plain)} / {Kb(json.Gzip)}{(json.Gzip == json.Plain ? " (not compressed by the hub)" : "")}");
        Console.WriteLine($"  page weight = {Stats.Ratio(total.Plain, json.Plain)} the JSON (plain), {Stats.Ratio(total.Gzip, json.Gzip)} as sent with gzip");
        return files;
    }

    /// <summary>
    /// Interleaved runs: a fresh context (nothing cached) loads the board, and an init script notes performance.now() (ms
    /// since navigation start) when the last card is in the DOM; then a page of the same context that runs nothing else
    /// (the hub's /healthz) fetches and parses /api/prs, 3 times.
    /// </summary>
    private static async Task TimeAsync(IBrowser browser, Uri hub, int count, int runs, int files)
    {
        var observe = $$"""
            (() => {
              const check = () => {
                if (window.__rendered === undefined && document.querySelectorAll('article.card').length >= {{count}}) {
                  window.__rendered = performance.now();
                  observer.disconnect();
                }
              };
              const observer = new MutationObserver(check);
              observer.observe(document, { childList: true, subtree: true });
            })();
            """;
        const string Fetch = """
            async () => {
              const start = performance.now();
              const response = await fetch('/api/prs', { credentials: 'same-origin', cache: 'no-store' });
              const prs = await response.json();
              return [performance.now() - start, prs.length];
            }
            """;
        var rendered = new List<double>();
        var paint = new List<double>();
        var fetched = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
            await context.AddInitScriptAsync(observe);
            var page = await context.NewPageAsync();
            await page.GotoAsync(hub.ToString());
            var ms = await (await page.WaitForFunctionAsync("() => window.__rendered", null, new() { Timeout = 120_000, PollingInterval = 50 })).JsonValueAsync<double>();
            var fcp = await page.EvaluateAsync<double?>("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null");
            await page.CloseAsync();

            // The baseline in a page of the same origin that runs no script of its own (the hub's JSON health answer).
            var plain = await context.NewPageAsync();
            await plain.GotoAsync(new Uri(hub, "healthz").ToString());
            var floor = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var result = await plain.EvaluateAsync<double[]>(Fetch);
                if ((int)result[1] != count)
                {
                    throw new InvalidOperationException($"/api/prs returned {result[1]} PRs, not {count}");
                }

                floor.Add(result[0]);
            }

            if (run == 0)
            {
                continue; // warm-up: the hub's JIT, chromium's first process
            }

            rendered.Add(ms);
            if (fcp is { } f)
            {
                paint.Add(f);
            }

            fetched.AddRange(floor);
        }

        var board = new Stats(rendered);
        var baseline = new Stats(fetched);
        Console.WriteLine($"  in headless chromium, 1280x800, {runs} runs, a fresh context each (no cache, {files} files fetched):");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {"navigation start → all cards rendered",-44} median {Stats.Ms(board.Median),10}  min {Stats.Ms(board.Percentile(0)),10}  max {Stats.Ms(board.Percentile(100)),10}  = {Stats.Ratio(board.Median, baseline.Median)} fetch+parse"));
        if (paint.Count > 0)
        {
            var p = new Stats(paint);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {"navigation start → first contentful paint",-44} median {Stats.Ms(p.Median),10}  min {Stats.Ms(p.Percentile(0)),10}  max {Stats.Ms(p.Percentile(100)),10}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {"fetch + JSON.parse /api/prs (baseline)",-44} median {Stats.Ms(baseline.Median),10}  min {Stats.Ms(baseline.Percentile(0)),10}  max {Stats.Ms(baseline.Percentile(100)),10}  ({fetched.Count} fetches, a page of the same origin running nothing else)"));
    }

    /// <summary>A response's body bytes as the hub sends them: without and with <c>Accept-Encoding: gzip</c>.</summary>
    private static async Task<(long Plain, long Gzip)> SizeAsync(HttpClient http, string url, CancellationToken ct)
    {
        using var plain = await http.GetAsync(url, ct);
        var plainBytes = (await plain.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct)).LongLength;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var gzip = await http.SendAsync(request, ct);
        var gzipBytes = (await gzip.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct)).LongLength;
        return (plainBytes, gzip.Content.Headers.ContentEncoding.Contains("gzip") ? gzipBytes : plainBytes);
    }

    private static string Kb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB");
}
