using StackExchange.Redis;
using Thermocline.HotStore.Scripts;

namespace Thermocline.HotStore.Tests.Units;

/// <summary>Every per-PR script has a fixed shape; a call of another shape is refused before it is sent.</summary>
public sealed class ScriptShapeTests
{
    [Fact]
    public async Task Evaluate_WrongNumberOfKeysOrValues_IsRefusedBeforeAnythingIsSent()
    {
        // No database: the refusal must come before any use of it (a send would fail with a null reference instead).
        var keys = await Assert.ThrowsAsync<ArgumentException>(() => HotScripts.TransitionHot.EvaluateAsync(null!, [(RedisKey)"a", (RedisKey)"b"], ["1:ab", "planning", " investigating "]));
        var values = await Assert.ThrowsAsync<ArgumentException>(() => HotScripts.SeedFence.EvaluateAsync(null!, [(RedisKey)"f"], [1, 2]));

        Assert.Equal("transition takes 3 keys and 3 values, not 2 and 3", keys.Message);
        Assert.Equal("seed-fence takes 1 keys and 1 values, not 1 and 2", values.Message);
    }

    [Fact]
    public void Scripts_ReadOnlyKeysTheyTake_FirstOfAll()
    {
        PrScript[] scripts = [HotScripts.Claim, HotScripts.Heartbeat, HotScripts.TransitionHot, HotScripts.Clear, HotScripts.SeedFence, HotScripts.Note];

        Assert.All(scripts, s => Assert.All(s.Reads, n => Assert.InRange(n, 1, s.KeyCount)));
        Assert.All(scripts, s => Assert.StartsWith("local held = redis.call('MGET', ", s.Text, StringComparison.Ordinal));
        Assert.All(scripts, s => Assert.DoesNotMatch(@"KEYS\[(?![1-6]\])", s.Text)); // a literal key of the PR's six, never computed
    }
}
