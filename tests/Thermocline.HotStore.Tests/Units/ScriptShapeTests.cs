using StackExchange.Redis;
using Thermocline.HotStore.Scripts;

namespace Thermocline.HotStore.Tests.Units;

/// <summary>Every per-PR script has a fixed shape, which batches rely on; a call of another shape is refused before it is sent.</summary>
public sealed class ScriptShapeTests
{
    [Fact]
    public async Task Evaluate_WrongNumberOfKeysOrValues_IsRefusedBeforeAnythingIsSent()
    {
        // No database: the refusal must come before any use of it (a send would fail with a null reference instead).
        var batcher = new ScriptBatcher(null!, () => true);

        var keys = await Assert.ThrowsAsync<ArgumentException>(() => batcher.EvaluateAsync(HotScripts.TransitionHot, [(RedisKey)"a", (RedisKey)"b"], ["1:ab", "planning", " investigating "]));
        var values = await Assert.ThrowsAsync<ArgumentException>(() => batcher.EvaluateAsync(HotScripts.SeedFence, [(RedisKey)"f"], [1, 2]));

        Assert.Equal("transition takes 3 keys and 3 values, not 2 and 3", keys.Message);
        Assert.Equal("seed-fence takes 1 keys and 1 values, not 1 and 2", values.Message);
    }

    [Fact]
    public void Scripts_HaveDistinctLetters_AndReadOnlyKeysTheyTake()
    {
        PrScript[] scripts = [HotScripts.Claim, HotScripts.Heartbeat, HotScripts.TransitionHot, HotScripts.Clear, HotScripts.SeedFence, HotScripts.Note];

        Assert.Equal(scripts.Length, scripts.Select(s => s.Code).Distinct().Count());
        Assert.All(scripts, s => Assert.All(s.Reads, n => Assert.InRange(n, 1, s.KeyCount)));
        Assert.All(scripts, s => Assert.StartsWith("local k, v = 0, 0\nlocal held = redis.call('MGET', ", s.Text, StringComparison.Ordinal));
        // One text for both forms: the standalone script is its body after the read, and the batch runs that very body.
        Assert.All(scripts, s => Assert.EndsWith(s.Body, s.Text, StringComparison.Ordinal));
        Assert.All(scripts, s => Assert.Contains($"function(k, v, held)\n{s.Body}\nend", HotScripts.Batch.Text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("return redis.call('GET', KEYS[1])")]             // no offset: in a batch, the first call's key
    [InlineData("return redis.call('GET', KEYS[i])")]             // a variable index
    [InlineData("return #KEYS")]                                  // counts every call's keys
    [InlineData("return redis.call('GET', KEYS[k + 4])")]         // past the keys it takes
    [InlineData("return ARGV[k + 1]")]                            // a value at the keys' offset
    [InlineData("return redis.call('GET', unpack(KEYS))")]        // all of them
    public void Script_ThatReadsKeysOrValuesOtherThanAtItsOffsets_IsRefusedWhenBuilt(string body)
    {
        var e = Assert.Throws<InvalidOperationException>(() => new PrScript("probe", 'p', 3, 2, [1], body));

        Assert.Contains("KEYS[k + n] (n 1..3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_AtItsOffsets_IsBuilt()
    {
        var script = new PrScript("probe", 'p', 3, 2, [1], "return redis.call('SET', KEYS[k + 3], ARGV[v + 2])");

        Assert.Equal("local k, v = 0, 0\nlocal held = redis.call('MGET', KEYS[1])\nreturn redis.call('SET', KEYS[k + 3], ARGV[v + 2])", script.Text);
    }
}
