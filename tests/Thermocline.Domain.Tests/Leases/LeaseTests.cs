using Thermocline.Domain.Leases;

namespace Thermocline.Domain.Tests.Leases;

public sealed class LeaseTests
{
    [Fact]
    public void TryParse_TextForm_RoundTrips()
    {
        var lease = new Lease(17, "0f3a9c2b4d5e6f708192a3b4c5d6e7f8");

        Assert.True(Lease.TryParse(lease.ToString(), out var parsed));
        Assert.Equal("17:0f3a9c2b4d5e6f708192a3b4c5d6e7f8", lease.ToString());
        Assert.Equal(lease, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("17")]
    [InlineData(":abc")]
    [InlineData("0:abc")]
    [InlineData("-1:abc")]
    [InlineData("17:")]
    [InlineData("17:ABC")]
    [InlineData("17:abc\n")]
    [InlineData("17:abc xyz")]
    public void TryParse_Malformed_ReturnsFalse(string? text)
    {
        Assert.False(Lease.TryParse(text, out var lease));
        Assert.Null(lease);
    }

    [Fact]
    public void TextForm_FollowsWith_AndEqualityIgnoresWhetherItWasBuilt()
    {
        var lease = new Lease(17, "0f3a9c2b4d5e6f708192a3b4c5d6e7f8");
        _ = lease.ToString(); // built and kept

        var forged = lease with { Id = new string('a', 32) };
        var bumped = lease with { Fence = 18 };

        Assert.Equal("17:" + new string('a', 32), forged.ToString());
        Assert.Equal("18:0f3a9c2b4d5e6f708192a3b4c5d6e7f8", bumped.ToString());
        var fresh = new Lease(17, "0f3a9c2b4d5e6f708192a3b4c5d6e7f8"); // text not built yet
        Assert.Equal(lease, fresh);
        Assert.Equal(lease.GetHashCode(), fresh.GetHashCode());
        Assert.NotEqual(lease, forged);
        Assert.NotEqual(lease, bumped);
    }
}
