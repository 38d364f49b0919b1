using System.Text.Json;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary><c>thermo release --stuck FENCE</c>: a person ends another agent's lease, only the one they saw, from the real binary.</summary>
public sealed class StuckLeaseTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ReleaseStuck_EndsOnlyTheLeaseWithThatFence_NamesThePerson_AndTheHolderIsRefusedAfter()
    {
        await using var world = HubWorld.Create(Store.Embedded, redis);
        var hub = await world.StartHubAsync();
        using var claim = JsonDocument.Parse((await world.ExpectAsync(0, "claim", "PR-004", "--agent", "a1", "--json")).Out);
        var (lease, fence) = (claim.RootElement.GetProperty("lease").GetString()!, claim.RootElement.GetProperty("fence").GetInt64());

        Assert.Contains("not " + (fence + 1), (await world.ExpectAsync(4, "release", "PR-004", "--agent", "alice", "--stuck", (fence + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--reason", "a1 is gone")).Error, StringComparison.Ordinal);
        Assert.Contains("--reason", (await world.ExpectAsync(2, "release", "PR-004", "--agent", "alice", "--stuck", fence.ToString(System.Globalization.CultureInfo.InvariantCulture))).Error, StringComparison.Ordinal);
        await world.ExpectAsync(2, "release", "PR-004", "--agent", "alice", "--stuck", "1", "--lease", lease, "--reason", "both");
        Assert.Equal("in-progress", JsonDocument.Parse((await world.ExpectAsync(0, "status", "PR-004", "--json")).Out).RootElement.GetProperty("hotState").GetString());

        var released = await world.ExpectAsync(0, "release", "PR-004", "--agent", "alice", "--stuck", fence.ToString(System.Globalization.CultureInfo.InvariantCulture), "--reason", "a1 is gone");

        Assert.Contains($"stuck lease {fence} was ended; it is back at ready", released.Out, StringComparison.Ordinal);
        await world.ExpectAsync(4, "heartbeat", "PR-004", "--agent", "a1", "--lease", lease);
        await Eventually.TrueAsync(() => hub.Log.Contains($"stuck lease {fence} of a1 (in-progress) was ended by alice: a1 is gone", StringComparison.Ordinal), "the hub logs who ended the lease");
    }
}
