using System.Diagnostics;
using System.Globalization;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.HotStore;
using Thermocline.HotStore.Connection;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// The hot store on a Redis Cluster of 3 masters + 3 replicas next to one redis-server, all on loopback, in the same run:
/// hot transition and claim latency (p50/p99, one agent) and 32-agent throughput of claim + 3 transitions + release.
/// The single server is measured with script batching (its default) and without; the cluster, which never batches, with
/// the claims' replica wait (its default) and without. Rounds alternate between the set-ups so a noisy neighbour hurts
/// all alike; the medians are compared. Arguments: <c>[--quick]</c>.
/// </summary>
internal sealed class ClusterBenchmark : IBenchmark
{
    private static readonly HotState[] Steps = [HotState.Planning, HotState.InProgress, HotState.UnderReview];

    public string Name => "cluster";

    public string Description => "hot store on a 3-master Redis Cluster vs one redis-server: transition/claim p50/p99, 32-agent throughput";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var samples = quick ? 1_000 : 6_000;
        var duration = TimeSpan.FromSeconds(quick ? 0.5 : 1.5);
        await using var single = await RedisServer.StartAsync(cancellationToken: cancellationToken);
        await using var cluster = await RedisCluster.StartAsync(cancellationToken: cancellationToken);
        Console.WriteLine($"-- redis-server at {single.ConnectionString}; cluster (3 masters, 3 replicas) at {cluster.ConnectionString}");
        (string Label, string Connection, Action<HotStoreOptions> Tune)[] setups =
        [
            ("redis-server, batching (default)", single.ConnectionString, _ => { }),
            ("redis-server, no batching", single.ConnectionString, o => o.ScriptBatching = false),
            ("cluster, claims wait for a replica (default)", cluster.ConnectionString, _ => { }),
            ("cluster, no replica wait", cluster.ConnectionString, o => o.ReplicaWaitTimeout = TimeSpan.Zero),
        ];
        var stores = new List<RedisHotStore>();
        try
        {
            foreach (var setup in setups)
            {
                var options = new HotStoreOptions { ConnectionString = setup.Connection, KeyPrefix = $"bench{Guid.NewGuid():N}:" };
                setup.Tune(options);
                stores.Add(await RedisHotStore.ConnectAsync(options, null, null, cancellationToken));
            }

            var latency = new (Stats Transition, Stats Claim)[setups.Length];
            for (var s = 0; s < setups.Length; s++)
            {
                await LatencyAsync(stores[s], "PR-W", 500, cancellationToken); // warm-up: JIT, script cache
                latency[s] = await LatencyAsync(stores[s], "PR-L", samples, cancellationToken);
            }

            var rates = setups.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < 3; round++)
            {
                for (var s = 0; s < setups.Length; s++)
                {
                    rates[s].Add(await CycleThroughputAsync(stores[s], 32, duration, cancellationToken));
                }
            }

            var baseTransition = latency[0].Transition.Median;
            var baseClaim = latency[0].Claim.Median;
            var baseRate = new Stats(rates[0]).Median;
            for (var s = 0; s < setups.Length; s++)
            {
                var (transition, claim) = latency[s];
                var rate = new Stats(rates[s]).Median;
                Console.WriteLine($"  {setups[s].Label}");
                Row("hot transition, 1 agent", $"p50 {Stats.Ms(transition.Median),9}  p99 {Stats.Ms(transition.P99),9}  p50 = {Stats.Ratio(transition.Median, baseTransition)} single");
                Row("claim, 1 agent", $"p50 {Stats.Ms(claim.Median),9}  p99 {Stats.Ms(claim.P99),9}  p50 = {Stats.Ratio(claim.Median, baseClaim)} single");
                Row("claim+3 transitions+release, 32 agents", $"{rate.ToString("N0", CultureInfo.InvariantCulture),9} ops/s  = {Stats.Ratio(rate, baseRate)} single");
            }

            var (batches, _) = stores[2].ScriptBatching;
            Console.WriteLine($"  (cluster script runs carrying several calls: {batches}; claims a replica acknowledged: {stores[2].ReplicatedClaims})");
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    // One agent on one PR: claim (timed), three hot transitions (each timed), release; again until enough samples.
    private static async Task<(Stats Transition, Stats Claim)> LatencyAsync(RedisHotStore store, string prId, int count, CancellationToken ct)
    {
        var transitions = new List<double>(count);
        var claims = new List<double>(count / 3);
        while (transitions.Count < count)
        {
            var start = Stopwatch.GetTimestamp();
            var lease = await store.ClaimAsync(prId, "agent-1", HotState.Investigating, ColdState.Ready, ct);
            claims.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            foreach (var step in Steps)
            {
                start = Stopwatch.GetTimestamp();
                await store.TransitionHotAsync(prId, lease, step, ct);
                transitions.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            await store.ReleaseAsync(prId, lease, ct);
        }

        return (new Stats(transitions), new Stats(claims));
    }

    // Hot operations per second: each agent cycles claim, three transitions, release on a PR of its own (its slot spread
    // over the masters by the PR id's hash).
    private static async Task<double> CycleThroughputAsync(RedisHotStore store, int agents, TimeSpan duration, CancellationToken ct)
    {
        long ops = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, agents).Select(a => Task.Run(async () =>
        {
            var prId = $"PR-C{a}";
            var agent = $"agent-{a}";
            while (watch.Elapsed < duration)
            {
                Lease lease = await store.ClaimAsync(prId, agent, HotState.Investigating, ColdState.Ready, ct);
                foreach (var step in Steps)
                {
                    await store.TransitionHotAsync(prId, lease, step, ct);
                }

                await store.ReleaseAsync(prId, lease, ct);
                Interlocked.Add(ref ops, 5);
            }
        }, ct)));
        return ops / watch.Elapsed.TotalSeconds;
    }

    private static void Row(string what, string figures) => Console.WriteLine($"    {what,-40} {figures}");
}
