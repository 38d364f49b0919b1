using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

public abstract partial class HotStoreContract
{
    [Fact]
    public async Task LeaderLease_OneHubTakesIt_OthersSeeItsAddress_RenewalKeepsItAndOnlyTheHolderRenews()
    {
        var prefix = $"t{Guid.NewGuid():N}:";
        var a = await NewStoreAsync(prefix: prefix);
        var b = await NewStoreAsync(prefix: prefix);

        var first = await a.TakeLeadAsync("hub-a", "http://a:7420", TimeSpan.FromSeconds(30), Ct);
        var seenByB = await b.TakeLeadAsync("hub-b", "http://b:7420", TimeSpan.FromSeconds(30), Ct);
        var again = await a.TakeLeadAsync("hub-a", "http://a:7420", TimeSpan.FromSeconds(30), Ct);

        Assert.Equal("hub-a", first.HubId);
        Assert.Equal(first, seenByB); // b learns who leads, and where clients go
        Assert.Equal(first.Fence, again.Fence); // taking it again while holding it only renews it
        Assert.True(await a.RenewLeadAsync(first, TimeSpan.FromSeconds(30), Ct));
        Assert.False(await b.RenewLeadAsync(seenByB with { HubId = "hub-b" }, TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(first, await b.ReadLeaderAsync(Ct));
    }

    [Fact]
    public async Task LeaderLease_Lapsed_TheNextHubTakesItWithAHigherFence_AndTheOldHolderCannotRenew()
    {
        var prefix = $"t{Guid.NewGuid():N}:";
        var a = await NewStoreAsync(prefix: prefix);
        var b = await NewStoreAsync(prefix: prefix);
        var first = await a.TakeLeadAsync("hub-a", "http://a:7420", TimeSpan.FromMilliseconds(300), Ct);

        // The TTL is the server's (real time): wait until the lease is gone.
        await Eventually.ReturnsAsync(() => b.ReadLeaderAsync(Ct), l => l is null, "the leader lease lapsed");
        var second = await b.TakeLeadAsync("hub-b", "http://b:7420", TimeSpan.FromSeconds(30), Ct);

        Assert.Equal("hub-b", second.HubId);
        Assert.True(second.Fence > first.Fence);
        Assert.False(await a.RenewLeadAsync(first, TimeSpan.FromSeconds(30), Ct));
        Assert.False(await a.ResignLeadAsync(first, Ct));
        Assert.Equal(second, await a.ReadLeaderAsync(Ct));
    }

    [Fact]
    public async Task LeaderLease_Resigned_IsFreeAtOnce()
    {
        var prefix = $"t{Guid.NewGuid():N}:";
        var a = await NewStoreAsync(prefix: prefix);
        var b = await NewStoreAsync(prefix: prefix);
        var first = await a.TakeLeadAsync("hub-a", "http://a:7420", TimeSpan.FromMinutes(5), Ct);

        Assert.True(await a.ResignLeadAsync(first, Ct));
        var second = await b.TakeLeadAsync("hub-b", "http://b:7420", TimeSpan.FromMinutes(5), Ct);

        Assert.Equal("hub-b", second.HubId);
        Assert.Equal(first.Fence + 1, second.Fence);
    }
}
