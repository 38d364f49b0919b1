using StackExchange.Redis;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.HotStore.Scripts;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>
/// Calls that arrive together run as one script (<see cref="ScriptBatcher"/>): each must be answered exactly as if it
/// had run alone, one failing call must fail alone, and races inside a batch still have one winner.
/// </summary>
public abstract partial class HotStoreContract
{
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
        Assert.True(batches > 0, "96 concurrent callers should have shared script runs");
        Assert.True(calls >= 2 * batches);
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

        Assert.True(store.ScriptBatching.Batches > 0);
    }

    [Fact]
    public async Task BatchScript_OneCallRaisesAnError_OnlyThatCallFails()
    {
        // Run the batch script itself, so the failing call is in a batch for certain: the fence of PR-BAD is a hash,
        // which INCR refuses; the claims around it must land and be answered.
        var store = await NewStoreAsync();
        await using var raw = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = raw.GetDatabase();
        var bad = store.Keys.For("PR-BAD");
        await db.HashSetAsync(bad.Fence, "not", "a counter");
        var good = new[] { store.Keys.For("PR-G1"), store.Keys.For("PR-G2") };
        RedisValue[] Claim(string agent) => ["investigating", agent, "ready", " ready planned broken ", 1_000, 300_000, "0123456789abcdef0123456789abcdef", 0, ""];
        var calls = new (RedisKey[] Keys, RedisValue[] Values)[] { (good[0].ScriptKeys, Claim("agent-1")), (bad.ScriptKeys, Claim("agent-2")), (good[1].ScriptKeys, Claim("agent-3")) };
        var keys = calls.SelectMany(c => c.Keys).ToArray();
        var values = new List<RedisValue> { new string(HotScripts.Claim.Code, calls.Length) };
        values.AddRange(calls.SelectMany(c => c.Values));

        var answers = (RedisResult[])(await HotScripts.Batch.EvaluateAsync(db, keys, [.. values]))!;

        Assert.Equal(3, answers.Length);
        Assert.Equal(1, (long)answers[0][0]);
        Assert.Equal(HotScripts.BatchErrorMarker, (string?)answers[1][0]);
        Assert.False(string.IsNullOrEmpty((string?)answers[1][1]));
        Assert.Equal(1, (long)answers[2][0]);
        Assert.Equal(HotState.Investigating, (await store.GetAsync("PR-G1", Ct)).HotState);
        Assert.Equal(HotState.Investigating, (await store.GetAsync("PR-G2", Ct)).HotState);
        Assert.Equal("agent-3", (await store.GetAsync("PR-G2", Ct)).Agent);
    }

    [Fact]
    public async Task BatchScript_MixedPlan_EachCallReadsItsOwnKeysAndValues()
    {
        // One run of every script shape in turn, so a wrong offset for any of them shows: claim PR-M1 (6 keys, 7 values),
        // claim PR-M2, move PR-M1 on twice (3, 3), heartbeat PR-M2 (4, 3), release PR-M2 (5, 2), seed PR-M3's fence (1, 1).
        // Every call but the claims and the seed reads keys an earlier call of the run wrote: the read made for the whole
        // run at its start is stale for them, and each must see the run's own writes.
        var store = await NewStoreAsync();
        await using var raw = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = raw.GetDatabase();
        var (m1, m2, m3) = (store.Keys.For("PR-M1"), store.Keys.For("PR-M2"), store.Keys.For("PR-M3"));
        RedisValue[] Claim(string agent, string id) => ["investigating", agent, "ready", " ready ", 1_000, 300_000, id, 0, ""];
        var calls = new (PrScript Script, RedisKey[] Keys, RedisValue[] Values)[]
        {
            (HotScripts.Claim, m1.ScriptKeys, Claim("agent-1", "11111111111111111111111111111111")),
            (HotScripts.Claim, m2.ScriptKeys, Claim("agent-2", "22222222222222222222222222222222")),
            (HotScripts.TransitionHot, m1.LeaseKeys, ["1:11111111111111111111111111111111", "planning", " investigating "]),
            (HotScripts.TransitionHot, m1.LeaseKeys, ["1:11111111111111111111111111111111", "in-progress", " planning "]),
            (HotScripts.Heartbeat, m2.HotKeys, ["1:22222222222222222222222222222222", 2_000, 300_000]),
            (HotScripts.Clear, m2.HotAndColdKeys, ["1:22222222222222222222222222222222", "planned", 3_000]),
            (HotScripts.SeedFence, [m3.Fence], [41]),
        };
        var plan = new string(calls.Select(c => c.Script.Code).ToArray());

        var answers = (RedisResult[])(await HotScripts.Batch.EvaluateAsync(
            db, calls.SelectMany(c => c.Keys).ToArray(), [plan, .. calls.SelectMany(c => c.Values)]))!;

        Assert.Equal(calls.Length, answers.Length);
        Assert.Equal([1L, 1L], [(long)answers[0][0], (long)answers[0][1]]);
        Assert.Equal([1L, 1L], [(long)answers[1][0], (long)answers[1][1]]);
        Assert.Equal(1, (long)answers[2]);
        Assert.Equal(1, (long)answers[3]);
        Assert.Equal("investigating", (string?)answers[4][1]);
        Assert.Equal(1, (long)answers[5][0]);
        Assert.Equal(41, (long)answers[6]);
        var one = await store.GetAsync("PR-M1", Ct);
        Assert.Equal((HotState.InProgress, "agent-1"), (one.HotState, one.Agent));
        var two = await store.GetAsync("PR-M2", Ct);
        Assert.Null(two.HotState);
        Assert.Equal(ColdState.Planned, two.ColdState);
        Assert.Equal("1000:300000", (string?)await db.StringGetAsync(m1.Heartbeat)); // the beat and the TTL it keeps
        Assert.Equal(41, (long)await db.StringGetAsync(m3.Fence));
    }

    [Fact]
    public async Task BatchScript_PlanNamesNoScript_WholeRunFailsAndChangesNothing()
    {
        var store = await NewStoreAsync();
        await using var raw = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = raw.GetDatabase();
        var keys = store.Keys.For("PR-Z1");

        var error = await Assert.ThrowsAsync<RedisServerException>(() => HotScripts.Batch.EvaluateAsync(
            db, [.. keys.ScriptKeys, keys.Fence], ["c?", "investigating", "agent-1", "ready", " ready ", 1_000, 300_000, "0123456789abcdef0123456789abcdef", 0, "", 5]));

        Assert.Contains("batch plan names no script", error.Message, StringComparison.Ordinal);
        Assert.Null((await store.GetAsync("PR-Z1", Ct)).HotState);
        Assert.False(await db.KeyExistsAsync(keys.Fence));

        // A plan whose shapes do not add up to the keys and values sent: refused before the first call runs.
        var miscount = await Assert.ThrowsAsync<RedisServerException>(() => HotScripts.Batch.EvaluateAsync(
            db, [.. keys.ScriptKeys], ["cc", "investigating", "agent-1", "ready", " ready ", 1_000, 300_000, "0123456789abcdef0123456789abcdef", 0, ""]));

        Assert.Contains("takes 16 keys and 19 values, not 8 and 10", miscount.Message, StringComparison.Ordinal);
        Assert.Null((await store.GetAsync("PR-Z1", Ct)).HotState);
        Assert.False(await db.KeyExistsAsync(keys.Fence));
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
