using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using StackExchange.Redis;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore.Keys;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// Failover time, as issue #15 asks: two real <c>thermo hub --advertise</c> processes on two clones of one bare remote,
/// sharing one redis-server (the standby tests' set-up). Each round SIGKILLs the active hub and times, from the kill,
/// the standby's <c>/healthz</c> saying <c>active</c> and its first write answered 2xx (a claim of a PR of its own),
/// both polled every 20 ms at once; then the killed hub is started again as the new standby, so rounds alternate. The
/// baseline is the leader lease's TTL — no standby may take over before the dead hub's lease lapses — and, per round,
/// the lease time Redis had left at the kill. Arguments: <c>[--rounds N] [--ttl SECONDS] [--thermo PATH]</c>.
/// </summary>
internal sealed partial class FailoverBenchmark : IBenchmark
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public string Name => "failover";

    public string Description => "SIGKILL of the active hub -> the standby active and serving writes, vs the leader lease TTL (two hubs, one redis-server, a bare remote)";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var rounds = BenchArgs.Int(args, "--rounds", 5);
        var ttl = BenchArgs.Int(args, "--ttl", 2);
        var thermo = ThermoBinary.Find(args);
        var prefix = $"bench{Guid.NewGuid():N}"[..13] + ":";
        var env = new Dictionary<string, string>
        {
            ["THERMO_LEADER_TTL_SECONDS"] = ttl.ToString(CultureInfo.InvariantCulture),
            ["THERMO_FETCH_INTERVAL_SECONDS"] = "1",
        };

        // Disposed in reverse order, also on a failure: the hubs killed first, then redis-server, then the temp dirs.
        using var firstClone = TempGitRepository.CreateWith(TaskList.DefaultPath, TaskListGenerator.Uniform(rounds + 2, _ => "ready", _ => []));
        var bare = firstClone.PublishToBare();
        using var secondClone = TempGitRepository.Clone(bare);
        await using var redis = await HotRedisProcess.StartAsync(cancellationToken);
        await using var lease = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var leaseKey = new RedisKeys(prefix).LeaderLease;
        string[] storeArgs = ["--redis", redis.ConnectionString, "--key-prefix", prefix];
        await using var a = new FailoverHub("A", firstClone, thermo.Path, storeArgs, env);
        await using var b = new FailoverHub("B", secondClone, thermo.Path, storeArgs, env);

        Console.WriteLine($"thermo: {thermo.Path} ({thermo.How}); redis-server at {redis.ConnectionString}; remote {bare}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"leader lease TTL {ttl} s (renewed, and tried by the standby, every {ttl / 5.0:0.###} s); fetch every 1 s; probes every {Poll.TotalMilliseconds:0} ms; {rounds} rounds"));
        await a.StartAsync(cancellationToken);
        await UntilAsync(Stopwatch.GetTimestamp(), async ct => (await a.HealthAsync(ct))?.Role == "active", "hub A active", a, b, cancellationToken);
        await b.StartAsync(cancellationToken);
        await UntilStandbyAsync(b, a, cancellationToken);

        var results = new List<Round>();
        for (var r = 1; r <= rounds; r++)
        {
            var (active, standby) = r % 2 == 1 ? (a, b) : (b, a);
            results.Add(await RoundAsync(r, active, standby, lease.GetDatabase(), leaseKey, ttl, cancellationToken));
        }

        Print(results, ttl * 1000.0);
    }

    private static async Task<Round> RoundAsync(int round, FailoverHub active, FailoverHub standby, IDatabase redis, RedisKey leaseKey, int ttl, CancellationToken cancellationToken)
    {
        // Settle first: the standby knows the leader, has had a TTL to finish its own start, and refuses writes.
        await UntilStandbyAsync(standby, active, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(ttl), cancellationToken);
        var pr = TaskListGenerator.Id(round);
        var agent = $"bench-{round}";
        var refused = await standby.ClaimAsync(pr, agent, cancellationToken);
        if (refused is not { Status: HttpStatusCode.ServiceUnavailable } || !JsonDocument.Parse(refused.Value.Body).RootElement.GetProperty("standby").GetBoolean())
        {
            throw new InvalidOperationException($"round {round}: standby {standby.Name} answered a write with {refused?.Status}: {refused?.Body}");
        }

        var left = await redis.KeyTimeToLiveAsync(leaseKey) ?? throw new InvalidOperationException($"round {round}: no leader lease at {leaseKey}");
        var read = Stopwatch.GetTimestamp();
        var killed = Stopwatch.GetTimestamp();
        await active.KillAsync();
        var lapse = left.TotalMilliseconds - Stopwatch.GetElapsedTime(read, killed).TotalMilliseconds;

        // Both probes at once, each stopping at its first success: the role flips at the end of the takeover's recovery,
        // the first write is what an agent sees.
        var toActive = UntilAsync(killed, async ct => (await standby.HealthAsync(ct))?.Role == "active", $"round {round}: {standby.Name} active", active, standby, cancellationToken);
        var toWrite = UntilAsync(killed, async ct => await WriteSucceededAsync(standby, pr, agent, ct), $"round {round}: a write served by {standby.Name}", active, standby, cancellationToken);
        await Task.WhenAll(toActive, toWrite);

        var restarted = Stopwatch.GetTimestamp();
        await active.StartAsync(cancellationToken);
        var back = await UntilAsync(restarted, async ct => (await active.HealthAsync(ct)) is { Role: "standby" } h && h.ActiveHub == standby.Url, $"hub {active.Name} back, standing by", active, standby, cancellationToken);
        var takeover = TakeoverLogged().Matches(standby.Log) is { Count: > 0 } m ? double.Parse(m[^1].Groups[1].Value, CultureInfo.InvariantCulture) : (double?)null;
        return new Round(round, active.Name, lapse, await toActive, await toWrite, takeover, back);
    }

    // A claim answered 2xx; 503 (still standing by, or taking over) and no answer mean not yet, anything else is a failure.
    private static async Task<bool> WriteSucceededAsync(FailoverHub hub, string pr, string agent, CancellationToken cancellationToken)
    {
        var answer = await hub.ClaimAsync(pr, agent, cancellationToken);
        return answer switch
        {
            null or { Status: HttpStatusCode.ServiceUnavailable } => false,
            { Status: >= HttpStatusCode.OK and < HttpStatusCode.MultipleChoices } => true,
            { } other => throw new InvalidOperationException($"claim {pr} on {hub.Name} answered {(int)other.Status}: {other.Body}"),
        };
    }

    private static Task<double> UntilStandbyAsync(FailoverHub standby, FailoverHub active, CancellationToken cancellationToken) =>
        UntilAsync(Stopwatch.GetTimestamp(), async ct => (await standby.HealthAsync(ct)) is { Role: "standby" } h && h.ActiveHub == active.Url, $"hub {standby.Name} standing by for {active.Name}", active, standby, cancellationToken);

    // Polls until the probe says yes; returns the milliseconds from since to the answer that said so.
    private static async Task<double> UntilAsync(long since, Func<CancellationToken, Task<bool>> probe, string what, FailoverHub one, FailoverHub other, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            while (!await probe(limit.Token))
            {
                await Task.Delay(Poll, limit.Token);
            }

            return Stopwatch.GetElapsedTime(since).TotalMilliseconds;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{what}: not within {Limit.TotalSeconds} s\n--- hub {one.Name}\n{one.Log}\n--- hub {other.Name}\n{other.Log}");
        }
    }

    private static void Print(List<Round> results, double ttlMs)
    {
        Console.WriteLine();
        Console.WriteLine($"{"round",5} {"killed",6} {"lease left",11} {"kill->active",13} {"kill->write",12} {"write-TTL",11} {"write-lapse",12} {"takeover",10} {"back as standby",16}");
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Number,5} {r.Killed,6} {Stats.Ms(r.LapseMs),11} {Stats.Ms(r.ActiveMs),13} {Stats.Ms(r.WriteMs),12} {Signed(r.WriteMs - ttlMs),11} {Signed(r.WriteMs - r.LapseMs),12} {(r.TakeoverMs is { } t ? Stats.Ms(t) : "?"),10} {Stats.Ms(r.BackMs),16}");
        }

        var active = new Stats(results.Select(r => r.ActiveMs));
        var write = new Stats(results.Select(r => r.WriteMs));
        var afterTtl = new Stats(results.Select(r => r.WriteMs - ttlMs));
        var afterLapse = new Stats(results.Select(r => r.WriteMs - r.LapseMs));
        Console.WriteLine();
        Console.WriteLine($"  {"leader lease TTL (baseline)",-44} {Stats.Ms(ttlMs),11} {"",17} 1.00x TTL");
        Console.WriteLine($"  {"kill -> the standby's /healthz says active",-44} p50 {Stats.Ms(active.Median),11}  max {Stats.Ms(active.Percentile(100)),11}  p50 {Stats.Ratio(active.Median, ttlMs)} TTL, max {Stats.Ratio(active.Percentile(100), ttlMs)}");
        Console.WriteLine($"  {"kill -> first write (claim) answered 2xx",-44} p50 {Stats.Ms(write.Median),11}  max {Stats.Ms(write.Percentile(100)),11}  p50 {Stats.Ratio(write.Median, ttlMs)} TTL, max {Stats.Ratio(write.Percentile(100), ttlMs)}");
        Console.WriteLine($"  {"first write after the TTL (failover - TTL)",-44} p50 {Signed(afterTtl.Median),11}  max {Signed(afterTtl.Percentile(100)),11}");
        Console.WriteLine($"  {"first write after the lease really lapsed",-44} p50 {Signed(afterLapse.Median),11}  max {Signed(afterLapse.Percentile(100)),11}");
        Console.WriteLine("lease left = the dead hub's lease time Redis reported just before the SIGKILL (renewed every fifth of the TTL, so");
        Console.WriteLine("about 0.8-1.0 TTL); write-lapse spans the standby's next try (at most a fifth of the TTL), its mark on the remote's");
        Console.WriteLine("leader ref, the takeover (fetch + recovery, as the new active hub logged it) and the first claim; back as standby =");
        Console.WriteLine("the killed hub's restart until its /healthz names the new active hub. Every takeover is its process's first.");
    }

    private static string Signed(double ms) => (ms < 0 ? "-" : "+") + Stats.Ms(Math.Abs(ms));

    [GeneratedRegex(@"after (\d+) ms of takeover")]
    private static partial Regex TakeoverLogged();

    private sealed record Round(int Number, string Killed, double LapseMs, double ActiveMs, double WriteMs, double? TakeoverMs, double BackMs);
}
