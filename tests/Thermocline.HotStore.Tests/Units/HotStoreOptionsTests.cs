using Thermocline.Domain.Errors;
using Thermocline.HotStore.Connection;

namespace Thermocline.HotStore.Tests.Units;

public sealed class HotStoreOptionsTests
{
    [Fact]
    public void Defaults_WithConnectionString_AreValidAndDocumented()
    {
        var options = new HotStoreOptions { ConnectionString = "localhost:6379" };

        options.Validate();

        Assert.Equal(TimeSpan.FromMinutes(5), options.HeartbeatTtl);
        Assert.Equal(10_000, options.MaxQueuedUpdates);
        Assert.Equal("", options.KeyPrefix);
    }

    public static TheoryData<Action<HotStoreOptions>, string> BadOptions => new()
    {
        { o => o.ConnectionString = " ", nameof(HotStoreOptions.ConnectionString) },
        { o => o.KeyPrefix = "x{y}", nameof(HotStoreOptions.KeyPrefix) },
        { o => o.HeartbeatTtl = TimeSpan.Zero, nameof(HotStoreOptions.HeartbeatTtl) },
        { o => o.HeartbeatTtl = TimeSpan.FromDays(2), nameof(HotStoreOptions.HeartbeatTtl) },
        { o => o.OperationTimeout = TimeSpan.FromMilliseconds(1), nameof(HotStoreOptions.OperationTimeout) },
        { o => o.MaxQueuedUpdates = 0, nameof(HotStoreOptions.MaxQueuedUpdates) },
        { o => o.ReplayInterval = TimeSpan.FromHours(1), nameof(HotStoreOptions.ReplayInterval) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadValue_ThrowsUsageNamingTheProperty(Action<HotStoreOptions> spoil, string property)
    {
        var options = new HotStoreOptions { ConnectionString = "localhost:6379" };
        spoil(options);

        var e = Assert.Throws<ThermoclineException>(options.Validate);

        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Contains(property, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_ConnectionStringWithPassword_NeverShowsIt()
    {
        await using var store = await RedisHotStore.ConnectAsync(
            new HotStoreOptions { ConnectionString = "127.0.0.1:1,password=hunter2-secret,connectTimeout=100", OperationTimeout = TimeSpan.FromMilliseconds(200) },
            null,
            null,
            CancellationToken.None);

        var e = await Assert.ThrowsAsync<ThermoclineException>(() => store.ListHotAsync(CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", store.Endpoint, StringComparison.Ordinal);
        Assert.True(store.IsDegraded);
    }

    [Theory]
    [InlineData("127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002", null, "127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002")]
    [InlineData("127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381,serviceName=mymaster,password=hush", "mymaster", "127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381")]
    public void Configure_ClusterSeedsOrSentinels_KeepsEveryEndpointAndTheServiceAndShowsNoPassword(string connection, string? service, string shown)
    {
        var config = RedisEndpoint.Configure(new HotStoreOptions { ConnectionString = connection });

        Assert.Equal(service, config.ServiceName);
        Assert.Equal(shown, RedisEndpoint.Describe(config));
        Assert.DoesNotContain("hush", RedisEndpoint.Describe(config), StringComparison.Ordinal);
    }
}
