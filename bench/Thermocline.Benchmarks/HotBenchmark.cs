using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore;
using Thermocline.HotStore.Connection;
using Thermocline.HotStore.Embedded;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// The hot store against its baselines, on redis-server and embedded Garnet: hot transition latency versus a raw PING
/// round trip, hot-transition throughput (1 and 32 agents; also the full claim/transitions/release cycle) versus raw
/// SET throughput at the same concurrency, and
/// hydration (parse included) of 1,000 and 10,000 PRs. Arguments: <c>[redis|garnet] [--quick]</c>.
/// </summary>
internal sealed class HotBenchmark : IBenchmark
{
    private static readonly string[] ColdStates = ["new", "ready", "blocked", "planned", "completed", "approved", "broken"];
    private static readonly HotState[] Steps = [HotState.Planning, HotState.InProgress, HotState.UnderReview];
    private static readonly (int Count, double TargetMs)[] HydrationTargets = [(1_000, 20), (10_000, 150)];

    public string Name => "hot";

    public string Description => "hot store: transition p50/p99 and throughput vs raw PING/SET; hydration of 1k/10k PRs";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var kinds = args.Where(a => a is "redis" or "garnet").DefaultIfEmpty("redis").Concat(args.Any(a => a is "redis" or "garnet") ? [] : ["garnet"]);
        foreach (var kind in kinds.Distinct())
        {
            if (kind == "redis")
            {
                await using var redis = await HotRedisProcess.StartAsync(cancellationToken);
                await RunOnAsync("redis-server (process, loopback)", redis.ConnectionString, quick, cancellationToken);
            }
            else
            {
                await using var garnet = await EmbeddedGarnet.StartAsync(null, null, cancellationToken);
                await RunOnAsync("Garnet (embedded, Lua transaction mode)", garnet.ConnectionString, quick, cancellationToken);
            }
        }
    }

    private static async Task RunOnAsync(string label, string connectionString, bool quick, CancellationToken ct)
    {
        Console.WriteLine($"-- {label} at {connectionString}");
        await using var raw = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var db = raw.GetDatabase();
        await using var adminConnection = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");
        var admin = adminConnection.GetServers()[0];
        await using var store = await RedisHotStore.ConnectAsync(
            new HotStoreOptions { ConnectionString = connectionString, KeyPrefix = $"bench{Guid.NewGuid():N}:" }, null, null, ct);
        await using var plain = await RedisHotStore.ConnectAsync(
            new HotStoreOptions { ConnectionString = connectionString, KeyPrefix = $"bench{Guid.NewGuid():N}:", ScriptBatching = false }, null, null, ct);
        var samples = quick ? 2_000 : 20_000;
        var duration = TimeSpan.FromSeconds(quick ? 0.5 : 1.5);

        // Warm up both paths (JIT, script cache, connection buffers) before measuring anything.
        await PingLatencyAsync(db, 2_000);
        await TransitionLatencyAsync(store, "PR-W", 1_500, ct);

        var ping = await PingLatencyAsync(db, samples);
        var transition = await TransitionLatencyAsync(store, "PR-L", samples, ct);
        Row("raw PING round trip", $"p50 {Stats.Ms(ping.Median),9}  p99 {Stats.Ms(ping.P99),9}");
        Row("hot transition (1 script)", $"p50 {Stats.Ms(transition.Median),9}  p99 {Stats.Ms(transition.P99),9}"
            + $"  p50 = {Stats.Ratio(transition.Median, ping.Median)} PING (target <= 1.50x)");

        foreach (var agents in (int[])[1, 32])
        {
            // Alternated three times and the medians compared, so a noisy neighbour hurts all sides alike.
            List<double> setRates = [], transitionRates = [], plainRates = [], cycleRates = [];
            var (batches0, calls0) = store.ScriptBatching;
            var setCpu = new CpuMeter(admin);
            var transitionCpu = new CpuMeter(admin);
            var cycleCpu = new CpuMeter(admin);
            var plainCpu = new CpuMeter(admin);
            for (var round = 0; round < 3; round++)
            {
                setRates.Add(await RawSetThroughputAsync(db, agents, duration, setCpu, ct));
                transitionRates.Add(await TransitionThroughputAsync(store, agents, duration, transitionCpu, ct));
                plainRates.Add(await TransitionThroughputAsync(plain, agents, duration, plainCpu, ct));
                cycleRates.Add(await CycleThroughputAsync(store, agents, duration, cycleCpu, ct));
            }

            var (batches1, calls1) = store.ScriptBatching;
            var perRun = batches1 > batches0 ? $"; {(calls1 - calls0) / (double)(batches1 - batches0):F1} calls per batched script run" : "";
            var setRate = new Stats(setRates).Median;
            var transitionRate = new Stats(transitionRates).Median;
            var cycleRate = new Stats(cycleRates).Median;
            var target = agents == 32 ? " (target >= 0.50x)" : "";
            var who = $"{agents} agent{(agents == 1 ? "" : "s")}";
            Row($"raw SET, {who}", $"{Rate(setRate),9}/s{setCpu}");
            var plainRate = new Stats(plainRates).Median;
            Row($"hot transitions, {who}", $"{Rate(transitionRate),9}/s{transitionCpu}  = {Stats.Ratio(transitionRate, setRate)} SET{target}");
            Row($"  same, one EVALSHA per call", $"{Rate(plainRate),9}/s{plainCpu}  = {Stats.Ratio(plainRate, setRate)} SET; batching = {Stats.Ratio(transitionRate, plainRate)} plain");
            Row($"claim+3 transitions+release, {who}", $"{Rate(cycleRate),9}/s{cycleCpu}  = {Stats.Ratio(cycleRate, setRate)} SET (all five are scripts{perRun})");
        }

        foreach (var (count, targetMs) in HydrationTargets)
        {
            var (total, parse, hydrate) = await HydrationAsync(store, count, quick ? 3 : 10, ct);
            Row($"hydrate {count:N0} PRs (parse incl.)",
                $"median {Stats.Ms(total.Median),9}  (parse {Stats.Ms(parse.Median)}, Redis {Stats.Ms(hydrate.Median)})  target < {targetMs} ms: {(total.Median < targetMs ? "met" : "MISSED")}");
        }

        Console.WriteLine();
    }

    private static async Task<Stats> PingLatencyAsync(IDatabase db, int count)
    {
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await db.PingAsync();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return new Stats(times);
    }

    /// <summary>Times hot → hot transitions only; the claims and releases around them are not counted.</summary>
    private static async Task<Stats> TransitionLatencyAsync(RedisHotStore store, string stem, int count, CancellationToken ct)
    {
        var times = new List<double>(count);
        var prId = stem + "1";
        while (times.Count < count)
        {
            var lease = await store.ClaimAsync(prId, "agent-1", HotState.Investigating, ColdState.Ready, ct);
            foreach (var step in Steps)
            {
                var start = Stopwatch.GetTimestamp();
                await store.TransitionHotAsync(prId, lease, step, ct);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            await store.ReleaseAsync(prId, lease, ct);
        }

        return new Stats(times);
    }

    /// <summary>
    /// Hot → hot transitions per second, and nothing else in the timed windows: the 10,000 PRs of a large task list are
    /// claimed, untimed; the agents take them one by one and move each investigating → planning → in-progress →
    /// under-review, timed; the PRs are cleared, untimed; again — the same PRs, as a task list's PRs are claimed again and
    /// again — until the timed windows add up to the duration.
    /// </summary>
    private static async Task<double> TransitionThroughputAsync(RedisHotStore store, int agents, TimeSpan duration, CpuMeter cpu, CancellationToken ct)
    {
        const int Pool = 10_000;
        var claimed = new (string Pr, Thermocline.Domain.Leases.Lease Lease)[Pool];
        long ops = 0;
        var timed = TimeSpan.Zero;
        const string Stem = "PR-X"; // one task list: the same PRs in every pass, round and agent count
        for (var pass = 0; timed < duration; pass++)
        {
            await ForEachAsync(Pool, async i =>
            {
                var pr = Stem + i.ToString(CultureInfo.InvariantCulture);
                claimed[i] = (pr, await store.ClaimAsync(pr, "agent-1", HotState.Investigating, ColdState.Ready, ct));
            });

            var next = -1;
            await cpu.StartAsync();
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, agents).Select(a => Task.Run(async () =>
            {
                int i;
                while (timed + watch.Elapsed < duration && (i = Interlocked.Increment(ref next)) < Pool)
                {
                    var (pr, lease) = claimed[i];
                    foreach (var step in Steps)
                    {
                        await store.TransitionHotAsync(pr, lease, step, ct);
                    }

                    Interlocked.Add(ref ops, Steps.Length);
                }
            }, ct)));
            timed += watch.Elapsed;
            await cpu.StopAsync(Math.Min(next + 1, Pool) * (double)Steps.Length);
            await ForEachAsync(Pool, i => store.ClearHotAsync(claimed[i].Pr, null, null, ct));
        }

        return ops / timed.TotalSeconds;
    }

    /// <summary>Runs <paramref name="action"/> for 0..count-1 on 64 concurrent workers (set-up and tear-down, untimed).</summary>
    private static Task ForEachAsync(int count, Func<int, Task> action) =>
        Task.WhenAll(Enumerable.Range(0, 64).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < count; i += 64)
            {
                await action(i);
            }
        })));

    /// <summary>Hot operations per second: each agent cycles claim, three transitions, release on its own PR — five scripts.</summary>
    private static async Task<double> CycleThroughputAsync(RedisHotStore store, int agents, TimeSpan duration, CpuMeter cpu, CancellationToken ct)
    {
        long ops = 0;
        await cpu.StartAsync();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, agents).Select(a => Task.Run(async () =>
        {
            var prId = $"PR-T{agents}-{a}";
            var agent = $"agent-{a}";
            while (watch.Elapsed < duration)
            {
                var lease = await store.ClaimAsync(prId, agent, HotState.Investigating, ColdState.Ready, ct);
                foreach (var step in Steps)
                {
                    await store.TransitionHotAsync(prId, lease, step, ct);
                }

                await store.ReleaseAsync(prId, lease, ct);
                Interlocked.Add(ref ops, 5);
            }
        }, ct)));
        var rate = ops / watch.Elapsed.TotalSeconds;
        await cpu.StopAsync(ops);
        return rate;
    }

    private static async Task<double> RawSetThroughputAsync(IDatabase db, int clients, TimeSpan duration, CpuMeter cpu, CancellationToken ct)
    {
        long ops = 0;
        await cpu.StartAsync();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            RedisKey key = $"bench:raw:{c}";
            while (watch.Elapsed < duration)
            {
                await db.StringSetAsync(key, "in-progress");
                Interlocked.Increment(ref ops);
            }
        }, ct)));
        var rate = ops / watch.Elapsed.TotalSeconds;
        await cpu.StopAsync(ops);
        return rate;
    }

    private static async Task<(Stats Total, Stats Parse, Stats Hydrate)> HydrationAsync(RedisHotStore store, int count, int runs, CancellationToken ct)
    {
        var text = TaskListGenerator.Uniform(count, i => ColdStates[i % ColdStates.Length], i => i > 2 ? [i - 1, i - 2] : []);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        List<double> total = [], parse = [], hydrate = [];

        // Warm up until the parser and the pipeline run tier-1 code, as in a hub that has been up for a moment
        // (a cold first start is what the sync benchmark's recovery figure shows).
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1500)
        {
            await store.HydrateAsync(TaskList.Parse(bytes).Prs, ct);
        }

        for (var run = 0; run < runs; run++)
        {
            var start = Stopwatch.GetTimestamp();
            var list = TaskList.Parse(bytes);
            var parsed = Stopwatch.GetTimestamp();
            if (list.HasErrors || list.Prs.Count != count)
            {
                throw new InvalidOperationException($"generated task list did not parse: {(list.Diagnostics.Count > 0 ? list.Diagnostics[0].Message : "wrong count")}");
            }

            await store.HydrateAsync(list.Prs, ct);
            if (run >= 0)
            {
                parse.Add(Stopwatch.GetElapsedTime(start, parsed).TotalMilliseconds);
                hydrate.Add(Stopwatch.GetElapsedTime(parsed).TotalMilliseconds);
                total.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        return (new Stats(total), new Stats(parse), new Stats(hydrate));
    }

    /// <summary>
    /// CPU per operation over the measured windows: this process (the client; with embedded Garnet, client and server)
    /// and, where the server reports it (INFO cpu), the server process. On a small machine the two share the cores, so
    /// the sum bounds throughput.
    /// </summary>
    private sealed class CpuMeter(IServer server)
    {
        private double _clientMs;
        private double _serverMs = double.NaN;
        private double _ops;

        private double _client0;
        private double _server0;

        /// <summary>Starts a measured window.</summary>
        public async Task StartAsync()
        {
            _client0 = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
            _server0 = await ServerCpuMsAsync();
        }

        /// <summary>Ends the window in which <paramref name="ops"/> operations ran.</summary>
        public async Task StopAsync(double ops)
        {
            var server1 = await ServerCpuMsAsync();
            _clientMs += Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - _client0;
            _serverMs = double.IsNaN(_server0) || double.IsNaN(server1) ? double.NaN : (double.IsNaN(_serverMs) ? 0 : _serverMs) + (server1 - _server0);
            _ops += ops;
        }

        public override string ToString() => _ops <= 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $"  [cpu/op: this process {_clientMs * 1000 / _ops,5:F1} µs{(double.IsNaN(_serverMs) ? "" : $", server {_serverMs * 1000 / _ops,5:F1} µs")}]");

        private async Task<double> ServerCpuMsAsync()
        {
            try
            {
                var info = (await server.InfoAsync("cpu")).SelectMany(g => g).ToDictionary(kv => kv.Key, kv => kv.Value);
                return info.TryGetValue("used_cpu_sys", out var sys) && info.TryGetValue("used_cpu_user", out var user)
                    ? 1000 * (double.Parse(sys, CultureInfo.InvariantCulture) + double.Parse(user, CultureInfo.InvariantCulture))
                    : double.NaN;
            }
            catch (RedisException)
            {
                return double.NaN;
            }
        }
    }

    private static void Row(string what, string figures) => Console.WriteLine($"  {what,-34} {figures}");

    private static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture);
}
