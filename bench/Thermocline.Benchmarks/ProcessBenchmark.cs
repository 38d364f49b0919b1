using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Thermocline.Domain.TaskLists;
using Thermocline.Hub.Api;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// Whole processes, as agents and people meet them: one <c>thermo</c> agent command against a running hub next to a .NET
/// hello-world start (this assembly run as <c>hello</c>), and the hub process on a 10,000-PR generated list — start to
/// <c>/healthz</c> ok on a fresh list and on a restart, and its RSS after start and after 2,000 API operations.
/// </summary>
/// <remarks>
/// The binary measured is <see cref="ThermoBinary.Find"/>'s. Both thermo and hello run through the same <c>dotnet</c>
/// host. Every process started here is stopped by its PID before the run ends.
/// </remarks>
internal sealed class ProcessBenchmark : IBenchmark
{
    private const int CommandRuns = 20;
    private const int Operations = 2_000;

    public string Name => "process";

    public string Description => "thermo agent command vs a .NET hello-world start; hub start/restart to /healthz ok and RSS at 10k PRs (targets: command <= 3x hello, restart < 1 s, RSS < 200/150 MiB)";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var thermo = ThermoBinary.Find(args);
        Console.WriteLine($"thermo: {thermo.Path} ({thermo.How}); host: {ThermoBinary.Dotnet}");
        await CommandsAsync(thermo.Path, cancellationToken);
        Console.WriteLine();
        await HubAsync(thermo.Path, cancellationToken);
    }

    // (a) One agent command, whole process, against a hub that already serves; interleaved with hello-world starts.
    private static async Task CommandsAsync(string thermo, CancellationToken cancellationToken)
    {
        using var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, TaskListGenerator.Generate(20, seed: 7));
        await using var hub = await HubChild.StartAsync(thermo, repo, cancellationToken);
        var env = new Dictionary<string, string> { ["THERMO_HUB"] = hub.Url, ["THERMO_AGENT"] = "bench" };
        var hello = typeof(ProcessBenchmark).Assembly.Location;
        var pr = (await hub.Http.GetFromJsonAsync("api/ready", HubJsonContext.Default.ListPrView, cancellationToken))![0].Id;

        var samples = new Dictionary<string, List<double>>();
        void Add(string name, double ms) => (samples.TryGetValue(name, out var list) ? list : samples[name] = []).Add(ms);
        for (var run = 0; run <= CommandRuns; run++)
        {
            var warm = run == 0;
            var h = await TimeAsync([hello, "hello"], env, cancellationToken);
            var status = await TimeAsync([thermo, "status", "--json"], env, cancellationToken);
            var ready = await TimeAsync([thermo, "ready"], env, cancellationToken);
            var claim = await TimeAsync([thermo, "claim", pr, "--json"], env, cancellationToken);
            var lease = JsonDocument.Parse(claim.Out).RootElement.GetProperty("lease").GetString()!;
            var release = await TimeAsync([thermo, "release", pr, "--lease", lease], env, cancellationToken);
            if (!warm)
            {
                Add("hello world", h.Ms);
                Add("thermo status --json", status.Ms);
                Add("thermo ready", ready.Ms);
                Add("thermo claim --json", claim.Ms);
                Add("thermo release", release.Ms);
            }
        }

        var baseline = new Stats(samples["hello world"]).Median;
        Console.WriteLine($"{"one process",-22} {"p50",9} {"p99",9} {"ratio",7}");
        foreach (var (name, list) in samples)
        {
            var s = new Stats(list);
            Console.WriteLine($"{name,-22} {Stats.Ms(s.Median),9} {Stats.Ms(s.P99),9} {Stats.Ratio(s.Median, baseline),7}");
        }

        Console.WriteLine($"{CommandRuns} runs each, interleaved, after one warm-up; each a whole process (dotnet host, runtime, command, exit) against a hub serving 20 PRs. Target: <= 3.00x.");
    }

    // (b) The hub process: time to /healthz ok on a fresh 10k list (the engine settles it) and on a restart; RSS.
    private static async Task HubAsync(string thermo, CancellationToken cancellationToken)
    {
        const int Count = 10_000;
        var text = TaskListGenerator.Generate(Count, seed: 42);
        var hello = typeof(ProcessBenchmark).Assembly.Location;
        var helloRuns = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            helloRuns.Add((await TimeAsync([hello, "hello"], null, cancellationToken)).Ms);
        }

        var helloMs = new Stats(helloRuns.Skip(1)).Median;
        var fresh = new List<double>();
        var restart = new List<double>();
        var rssFresh = new List<double>();
        var rssOps = new List<double>();
        var rssRestart = new List<double>();
        var opsMs = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            using var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, text);
            await using (var hub = await HubChild.StartAsync(thermo, repo, cancellationToken))
            {
                fresh.Add(hub.StartMs);
                rssFresh.Add(hub.RssMiB());
                opsMs.Add(await OperateAsync(hub, cancellationToken));
                rssOps.Add(hub.RssMiB());
                await hub.StopAsync(cancellationToken);
            }

            await using (var hub = await HubChild.StartAsync(thermo, repo, cancellationToken))
            {
                restart.Add(hub.StartMs);
                rssRestart.Add(hub.RssMiB());
                await hub.StopAsync(cancellationToken);
            }
        }

        Console.WriteLine($"hub, {Count:N0} PRs ({text.Length / 1048576.0:F1} MiB), embedded store, 3 rounds (median):");
        Console.WriteLine($"{"",34} {"p50",9} {"ratio",8} {"target",8}");
        Console.WriteLine($"{"hello world (baseline)",34} {Stats.Ms(helloMs),9} {"1.00x",8}");
        Console.WriteLine($"{"first start -> /healthz ok",34} {Stats.Ms(new Stats(fresh).Median),9} {Stats.Ratio(new Stats(fresh).Median, helloMs),8} {"< 2 s",8}");
        Console.WriteLine($"{"restart -> /healthz ok",34} {Stats.Ms(new Stats(restart).Median),9} {Stats.Ratio(new Stats(restart).Median, helloMs),8} {"< 1 s",8}");
        Console.WriteLine($"{Operations:N0} operations (claim/heartbeat/release) over HTTP: {Stats.Ms(new Stats(opsMs).Median)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RSS after first start {new Stats(rssFresh).Median:F0} MiB, after {Operations:N0} operations {new Stats(rssOps).Median:F0} MiB (target < 200), after a restart {new Stats(rssRestart).Median:F0} MiB (target < 150)"));
        Console.WriteLine("Process start to the first /healthz answering 200 with status ok (polled every 10 ms); RSS = VmRSS of /proc/PID/status.");
    }

    // Claim, heartbeat and release in turn over the ready PRs, one request at a time, until Operations requests are done.
    private static async Task<double> OperateAsync(HubChild hub, CancellationToken cancellationToken)
    {
        var ready = (await hub.Http.GetFromJsonAsync("api/ready", HubJsonContext.Default.ListPrView, cancellationToken))!.Select(p => p.Id).Take(50).ToList();
        var sw = Stopwatch.StartNew();
        var done = 0;
        for (var i = 0; done < Operations; i++)
        {
            var pr = ready[i % ready.Count];
            var claim = await PostAsync(hub, $"api/prs/{pr}/claim", new ClaimRequest("bench", null), HubJsonContext.Default.ClaimRequest, HubJsonContext.Default.TransitionView, cancellationToken);
            var lease = new LeaseRequest("bench", claim.Lease);
            await PostAsync(hub, $"api/prs/{pr}/heartbeat", lease, HubJsonContext.Default.LeaseRequest, HubJsonContext.Default.WriteView, cancellationToken);
            await PostAsync(hub, $"api/prs/{pr}/release", lease, HubJsonContext.Default.LeaseRequest, HubJsonContext.Default.WriteView, cancellationToken);
            done += 3;
        }

        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task<TResponse> PostAsync<TRequest, TResponse>(
        HubChild hub, string path, TRequest body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TRequest> request,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResponse> response, CancellationToken cancellationToken)
    {
        using var answer = await hub.Http.PostAsJsonAsync(path, body, request, cancellationToken);
        answer.EnsureSuccessStatusCode();
        return (await answer.Content.ReadFromJsonAsync(response, cancellationToken))!;
    }

    private static async Task<(double Ms, string Out)> TimeAsync(IReadOnlyList<string> dllAndArgs, IReadOnlyDictionary<string, string>? env, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(ThermoBinary.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in dllAndArgs)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var sw = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {ThermoBinary.Dotnet}");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var ms = sw.Elapsed.TotalMilliseconds;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{string.Join(' ', dllAndArgs)} exited {process.ExitCode}: {await stderr}");
            }

            return (ms, await stdout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>A <c>thermo hub</c> child on a free port; disposing kills it by PID if it still runs.</summary>
    private sealed class HubChild : IAsyncDisposable
    {
        private readonly Process _process;

        private HubChild(Process process, string url, double startMs)
        {
            _process = process;
            Url = url;
            StartMs = startMs;
            Http = new HttpClient { BaseAddress = new Uri(url) };
        }

        public string Url { get; }

        public double StartMs { get; }

        public HttpClient Http { get; }

        public static async Task<HubChild> StartAsync(string thermo, TempGitRepository repo, CancellationToken cancellationToken)
        {
            var info = new ProcessStartInfo(ThermoBinary.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repo.WorkDir };
            foreach (var a in new[] { thermo, "hub", "--repo", repo.WorkDir, "--port", "0", "--json" })
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["HOME"] = repo.ConfigHome;
            info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
            info.Environment["GIT_CONFIG_GLOBAL"] = Path.Combine(repo.ConfigHome, ".gitconfig");
            var sw = Stopwatch.StartNew();
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start thermo hub");
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(TimeSpan.FromMinutes(2));
                var line = await process.StandardOutput.ReadLineAsync(limit.Token) ?? throw new InvalidOperationException("thermo hub exited before serving");
                var url = JsonDocument.Parse(line).RootElement.GetProperty("address").GetString()!;
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                using var http = new HttpClient { BaseAddress = new Uri(url) };
                while (true)
                {
                    try
                    {
                        using var answer = await http.GetAsync("healthz", limit.Token);
                        if (answer.IsSuccessStatusCode && (await answer.Content.ReadFromJsonAsync(HubJsonContext.Default.HealthView, limit.Token))!.Status == "ok")
                        {
                            return new HubChild(process, url, sw.Elapsed.TotalMilliseconds);
                        }
                    }
                    catch (HttpRequestException)
                    {
                    }

                    await Task.Delay(10, limit.Token);
                }
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
        }

        public double RssMiB()
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }

        /// <summary>SIGTERM by PID (a clean stop, as a person's Ctrl-C), then waits for the exit.</summary>
        public async Task StopAsync(CancellationToken cancellationToken)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })
                ?? throw new InvalidOperationException("could not start kill");
            await kill.WaitForExitAsync(cancellationToken);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(limit.Token);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
