using StackExchange.Redis;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.HotStore.Scripts;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>
/// Calls that arrive together run as one script (<see cref="ScriptBatcher"/>): each must be answered exactly as if it
/// had run alone, one failing call must fail alone, and races inside a batch still have one winner. On a cluster no
/// call is batched (<see cref="BatchesScripts"/>), and the same answers must come from calls run alone.
/// </summary>
public abstract partial class HotStoreContract
{
    /// <summary>Whether the server lets concurrent calls share one script run: a standalone server does, a cluster does not.</summary>
    protected virtual bool BatchesScripts => true;

    [Fact]
    public async Task ConcurrentHotOperations_RunInBatches_EachAnsweredAsAlone()
    {
        var store = await NewStoreAsync();
        var prs = Enumerable.Range(0, 96).Select(i => $"PR-B{i:000}").ToArray();

        var leases = await Task.WhenAll(prs.Select(pr => store.ClaimAsync(pr, "agent-" + pr[3..], HotState.Investigating, ColdState.Ready, Ct)));
        await Task.WhenAll(prs.Select(async (pr, i) =>
        {
            await store.TransitionHotAsync(pr, leases[i], HotState.Planning, Ct);
            if (i % 2 == 0)
            {
                await store.TransitionHotAsync(pr, leases[i], HotState.InProgress, Ct);
            }

            if (i % 3 == 0)
            {
                await store.ReleaseAsync(pr, leases[i], Ct);
            }
        }));
        var stale = await Task.WhenAll(prs.Select(async (pr, i) =>
        {
            try
            {
                await store.HeartbeatAsync(pr, new Lease(leases[i].Fence, new string('0', 32)), Ct);
                return false;
            }
            catch (ThermoclineException e) when (e.Kind == ErrorKind.LeaseConflict)
            {
                return true;
            }
        }));

        Assert.All(stale, Assert.True);
        Assert.All(leases, l => Assert.Equal(1, l.Fence));
        for (var i = 0; i < prs.Length; i++)
        {
            var state = await store.GetAsync(prs[i], Ct);
            var expected = i % 3 == 0 ? (HotState?)null : i % 2 == 0 ? HotState.InProgress : HotState.Planning;
            Assert.Equal(expected, state.HotState);
            Assert.Equal(i % 3 == 0 ? null : "agent-" + prs[i][3..], state.Agent);
        }

        var (batches, calls) = store.ScriptBatching;
        if (BatchesScripts)
        {
            Assert.True(batches > 0, "96 concurrent callers should have shared script runs");
            Assert.True(calls >= 2 * batches);
        }
        else
        {
            Assert.Equal((0, 0), (batches, calls));
        }
    }

    [Fact]
    public async Task ConcurrentClaimsOfOnePrInOneWave_ExactlyOneWinnerEvenWhenBatched()
    {
        var store = await NewStoreAsync();
        for (var round = 0; round < 20; round++)
        {
            var pr = $"PR-W{round:000}";
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 48).Select(async a =>
            {
                try
                {
                    return await store.ClaimAsync(pr, $"agent-{a}", HotState.InProgress, ColdState.Ready, Ct);
                }
                catch (ThermoclineException e) when (e.Kind == ErrorKind.LeaseConflict)
                {
                    return null;
                }
            }));

            var winner = Assert.Single(outcomes, o => o is not null)!;
            Assert.Equal((await store.GetAsync(pr, Ct)).Fence, winner.Fence);
        }

        Assert.Equal(BatchesScripts, store.ScriptBatching.Batches > 0);
    }

    [Fact]
    public async Task ConcurrentClaimsWithOneBroken_OthersSucceedAndTheBrokenOneFailsAlone()
    {
        var store = await NewStoreAsync();
        await using var raw = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        await raw.GetDatabase().HashSetAsync(store.Keys.For("PR-BAD").Fence, "not", "a counter");
        var prs = Enumerable.Range(0, 64).Select(i => $"PR-C{i:000}").Append("PR-BAD").Reverse().ToArray();

        var outcomes = await Task.WhenAll(prs.Select(async pr =>
        {
            try
            {
                await store.ClaimAsync(pr, "agent-1", HotState.InProgress, ColdState.Ready, Ct);
                return (pr, (Exception?)null);
            }
            catch (ThermoclineException e)
            {
                return (pr, e);
            }
        }));

        var failed = Assert.Single(outcomes, o => o.Item2 is not null);
        Assert.Equal("PR-BAD", failed.pr);
        Assert.Equal(ErrorKind.Other, ((ThermoclineException)failed.Item2!).Kind);
        Assert.All(outcomes.Where(o => o.pr != "PR-BAD"), o => Assert.Null(o.Item2));
    }
}
