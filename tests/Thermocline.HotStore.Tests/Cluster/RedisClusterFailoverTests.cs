using System.Collections.Concurrent;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.HotStore.Connection;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Cluster;

/// <summary>
/// A Redis Cluster master killed (SIGKILL) while agents claim, beat, move and release PRs; the cluster promotes its
/// replica. A cluster of this class's own: the test kills a node.
/// </summary>
public sealed class RedisClusterFailoverTests : IAsyncLifetime
{
    private const int Prs = 24;
    private const int Agents = 8;
    private RedisCluster _cluster = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task MasterKilledUnderLoad_DegradedWhileItsSlotsAreDown_RecoversAloneAndNoPrIsEverHeldTwice()
    {
        await using var store = await RedisHotStore.ConnectAsync(new HotStoreOptions
        {
            ConnectionString = _cluster.ConnectionString,
            KeyPrefix = $"t{Guid.NewGuid():N}:",
            OperationTimeout = TimeSpan.FromSeconds(2),
            ReplayInterval = TimeSpan.FromMilliseconds(50),
        }, null, null, Ct);
        var prs = Enumerable.Range(1, Prs).Select(i => $"PR-{i}").ToArray();
        var victimKey = store.Keys.For(prs[0]).HotState.ToString();
        var onVictim = new List<string>();
        foreach (var pr in prs)
        {
            if ((await _cluster.MasterOfAsync(store.Keys.For(pr).HotState.ToString())).Port == (await _cluster.MasterOfAsync(victimKey)).Port)
            {
                onVictim.Add(pr);
            }
        }

        var log = new Ledger();
        using var stop = new CancellationTokenSource();
        var agents = Enumerable.Range(1, Agents).Select(a => Task.Run(() => AgentAsync(store, $"agent-{a}", prs, log, stop.Token))).ToArray();
        await Eventually.TrueAsync(() => log.Claims.Count >= 40, "the agents claimed PRs on every master before the kill");

        var victim = await _cluster.KillMasterOfAsync(victimKey);
        await Eventually.TrueAsync(() => store.IsDegraded, "the store reported degraded while the killed master's slots were down", TimeSpan.FromSeconds(10));
        var claimsAtKill = log.Claims.Count;
        await _cluster.WaitForPromotionAsync(victim);
        await Eventually.TrueAsync(() => !store.IsDegraded, "the store recovered by itself after the failover", TimeSpan.FromSeconds(15));
        await Eventually.TrueAsync(
            () => log.Claims.Skip(claimsAtKill).Count(c => onVictim.Contains(c.PrId)) >= 5,
            "claims of PRs on the promoted replica succeeded again", TimeSpan.FromSeconds(15));
        await stop.CancelAsync();
        await Task.WhenAll(agents);

        Assert.True(log.Unavailable > 0, "some calls must have met the dead master");
        Assert.True(store.ReplicatedClaims > 0, "claims on masters with a replica wait for it");
        Assert.Empty(log.LostLeases);
        foreach (var pr in prs)
        {
            // In the order the claims were acknowledged: each fence above every fence acknowledged before for that PR,
            // and never acknowledged while an earlier lease of that PR was still held by its agent.
            var claims = log.Claims.Where(c => c.PrId == pr).OrderBy(c => c.Sequence).ToList();
            for (var i = 1; i < claims.Count; i++)
            {
                Assert.True(claims[i].Fence > claims[i - 1].Fence, $"{pr}: fence {claims[i].Fence} acknowledged after fence {claims[i - 1].Fence}");
                Assert.True(claims[i - 1].EndedBefore(claims[i].Sequence), $"{pr}: fence {claims[i].Fence} acknowledged while fence {claims[i - 1].Fence} was still held");
            }
        }

        var record = await store.GetLeaseRecordAsync(onVictim[0], Ct);
        Assert.True(record.LastFence >= log.Claims.Where(c => c.PrId == onVictim[0]).Max(c => c.Fence), "the promoted replica's fence counter lost acknowledged fences");
    }

    // One agent: claims a random PR, beats, moves it on, releases it; every step retried while the store is unavailable.
    private static async Task AgentAsync(RedisHotStore store, string agent, string[] prs, Ledger log, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var pr = prs[Random.Shared.Next(prs.Length)];
            Lease lease;
            try
            {
                lease = await store.ClaimAsync(pr, agent, HotState.Investigating, ColdState.Ready, Ct);
            }
            catch (ThermoclineException e) when (e.Kind is ErrorKind.LeaseConflict)
            {
                continue; // held by another agent
            }
            catch (ThermoclineException e) when (e.Kind is ErrorKind.Unavailable)
            {
                log.CountUnavailable();
                await Task.Delay(20, CancellationToken.None);
                continue;
            }

            var claim = log.Claimed(pr, lease.Fence);
            try
            {
                await StepAsync(() => store.HeartbeatAsync(pr, lease, Ct), log);
                await StepAsync(() => store.TransitionHotAsync(pr, lease, HotState.Planning, Ct), log);
                await StepAsync(() => store.HeartbeatAsync(pr, lease, Ct), log);

                // Ended before the release is sent: no other claim may be acknowledged before this point (a release
                // queued while the slot is down holds the lease until it is replayed, which only delays the next).
                claim.End(log);
                await StepAsync(() => store.ReleaseAsync(pr, lease, Ct), log);
            }
            catch (ThermoclineException e) when (e.Kind is ErrorKind.LeaseConflict)
            {
                log.Lost($"{pr} fence {lease.Fence} ({agent}): {e.Message}");
                claim.End(log);
            }
        }
    }

    private static async Task StepAsync(Func<Task> step, Ledger log)
    {
        while (true)
        {
            try
            {
                await step();
                return;
            }
            catch (ThermoclineException e) when (e.Kind is ErrorKind.Unavailable)
            {
                log.CountUnavailable();
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    /// <summary>What the agents were told, in one global order: claims acknowledged, when each lease ended, leases lost.</summary>
    private sealed class Ledger
    {
        private long _sequence;
        private int _unavailable;

        public ConcurrentQueue<Claim> Claims { get; } = new();

        public ConcurrentQueue<string> LostLeases { get; } = new();

        public int Unavailable => Volatile.Read(ref _unavailable);

        public long Next() => Interlocked.Increment(ref _sequence);

        public Claim Claimed(string prId, long fence)
        {
            var claim = new Claim(prId, fence, Next());
            Claims.Enqueue(claim);
            return claim;
        }

        public void Lost(string what) => LostLeases.Enqueue(what);

        public void CountUnavailable() => Interlocked.Increment(ref _unavailable);
    }

    /// <summary>One acknowledged claim; <see cref="Ended"/> is the sequence number at which its holder let it go (or lost it).</summary>
    private sealed record Claim(string PrId, long Fence, long Sequence)
    {
        private long _ended = long.MaxValue;

        public long Ended => Interlocked.Read(ref _ended);

        public void End(Ledger log) => Interlocked.Exchange(ref _ended, log.Next());

        public bool EndedBefore(long sequence) => Ended < sequence;
    }
}
