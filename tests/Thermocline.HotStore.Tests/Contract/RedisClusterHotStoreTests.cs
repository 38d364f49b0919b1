using StackExchange.Redis;
using Thermocline.HotStore.Scripts;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>
/// The contract against a real Redis Cluster of 3 masters and 3 replicas, connected through the masters' endpoints:
/// every PR's keys in its own slot, the indexes in theirs, no script batching.
/// </summary>
public sealed class RedisClusterHotStoreTests(RedisClusterFixture server) : HotStoreContract(server), IClassFixture<RedisClusterFixture>
{
    protected override bool BatchesScripts => false;

    /// <summary>
    /// Why a cluster runs every call alone: one script over two PRs' keys spans two slots, which a cluster refuses
    /// (StackExchange.Redis refuses it before sending; the server would answer CROSSSLOT, even for two slots of one node).
    /// </summary>
    [Fact]
    public async Task BatchScript_KeysOfTwoPrs_RefusedByTheCluster()
    {
        var store = await NewStoreAsync();
        await using var raw = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var (one, two) = (store.Keys.For("PR-1"), store.Keys.For("PR-2"));
        RedisValue[] Claim(string agent) => ["investigating", agent, "ready", " ready ", 1_000, 300_000, "0123456789abcdef0123456789abcdef", 0, ""];

        var e = await Assert.ThrowsAsync<RedisCommandException>(() => HotScripts.Batch.EvaluateAsync(
            raw.GetDatabase(), [.. one.ScriptKeys, .. two.ScriptKeys], ["cc", .. Claim("agent-1"), .. Claim("agent-2")]));

        Assert.Contains("slot", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Null((await store.GetAsync("PR-1", Ct)).HotState);
        Assert.Null((await store.GetAsync("PR-2", Ct)).HotState);
    }
}
