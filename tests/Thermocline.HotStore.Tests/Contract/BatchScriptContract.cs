using StackExchange.Redis;
using Thermocline.Domain.States;
using Thermocline.HotStore.Scripts;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>
/// The batch script itself (<see cref="HotScripts.Batch"/>), run on keys of several PRs at once: only a standalone server
/// takes that (a cluster refuses keys of several slots in one script, see
/// <see cref="RedisClusterHotStoreTests.BatchScript_KeysOfTwoPrs_RefusedByTheCluster"/>), so this runs on Garnet and redis-server only.
/// </summary>
public abstract class BatchScriptContract(IStoreServer server) : IAsyncLifetime
{
    private readonly List<RedisHotStore> _stores = [];

    private static CancellationToken Ct => CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
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

    private async Task<RedisHotStore> NewStoreAsync()
    {
        var store = await RedisHotStore.ConnectAsync(
            new Connection.HotStoreOptions { ConnectionString = server.ConnectionString, KeyPrefix = $"t{Guid.NewGuid():N}:" }, null, null, Ct);
        _stores.Add(store);
        return store;
    }
}
