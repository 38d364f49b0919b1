using Thermocline.Domain.Errors;
using Thermocline.HotStore.Keys;

namespace Thermocline.HotStore.Tests.Units;

public sealed class RedisKeysTests
{
    [Fact]
    public void For_PrIdWithPrefix_BuildsSpecLayoutWithBraces()
    {
        var keys = new RedisKeys("thermo:").For("PR-005");

        Assert.Equal("thermo:pr:{PR-005}:hot_state", (string?)keys.HotState);
        Assert.Equal("thermo:pr:{PR-005}:agent", (string?)keys.Agent);
        Assert.Equal("thermo:pr:{PR-005}:heartbeat", (string?)keys.Heartbeat);
        Assert.Equal("thermo:pr:{PR-005}:cold_state", (string?)keys.ColdState);
        Assert.Equal("thermo:pr:{PR-005}:dependencies", (string?)keys.Dependencies);
        Assert.Equal("thermo:pr:{PR-005}:lease", (string?)keys.Lease);
        Assert.Equal("thermo:pr:{PR-005}:fence", (string?)keys.Fence);
    }

    [Fact]
    public void Constructor_DefaultEmptyPrefix_GivesSpecGlobalKeys()
    {
        var keys = new RedisKeys("");

        Assert.Equal("sync:last_display_update", (string?)keys.LastDisplayUpdate);
        Assert.Equal("sync:crash_recovery_needed", (string?)keys.CrashRecoveryNeeded);
        Assert.Equal("pr:{PR-1}:hot_state", (string?)keys.For("PR-1").HotState);
    }

    [Theory]
    [InlineData("a{b")]
    [InlineData("a}b")]
    [InlineData("a b")]
    [InlineData("tab\t")]
    public void Constructor_PrefixThatWouldMoveSlotsOrBreakKeys_ThrowsUsage(string prefix)
    {
        var e = Assert.Throws<ThermoclineException>(() => new RedisKeys(prefix));

        Assert.Equal(ErrorKind.Usage, e.Kind);
    }

    [Theory]
    [InlineData("PR-5}:x{")]
    [InlineData("PR-")]
    [InlineData("")]
    [InlineData("PR-a b")]
    public void For_InvalidPrId_ThrowsUsage(string prId)
    {
        var e = Assert.Throws<ThermoclineException>(() => new RedisKeys("").For(prId));

        Assert.Equal(ErrorKind.Usage, e.Kind);
    }
}
