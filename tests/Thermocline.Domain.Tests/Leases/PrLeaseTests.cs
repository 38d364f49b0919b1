using Thermocline.Domain.Leases;

namespace Thermocline.Domain.Tests.Leases;

public sealed class PrLeaseTests
{
    private const string Id = "0f3a9c2b4d5e6f708192a3b4c5d6e7f8";

    [Fact]
    public void TryParse_PrAndFence_HasNoLease()
    {
        Assert.True(PrLease.TryParse("PR-005:17", null, out var lease, out _));
        Assert.Equal("PR-005", lease.PrId);
        Assert.Equal(17, lease.Fence);
        Assert.Null(lease.Lease);
    }

    [Fact]
    public void TryParse_WithId_KeepsTheLeaseButNeverShowsIt()
    {
        Assert.True(PrLease.TryParse($"PR-005:17:{Id}", null, out var lease, out _));
        Assert.Equal(new Lease(17, Id), lease.Lease);
        Assert.Equal("PR-005:17", lease.ToString());
    }

    [Fact]
    public void TryParse_PlainLeaseBesideThermoPr_TakesThePrFromThere()
    {
        Assert.True(PrLease.TryParse($"17:{Id}", "PR-009", out var lease, out _));
        Assert.Equal("PR-009:17", lease.ToString());
        Assert.Equal(new Lease(17, Id), lease.Lease);
    }

    [Theory]
    [InlineData("", null, "empty")]
    [InlineData("17", null, "names no PR")]
    [InlineData("17:" + Id, null, "THERMO_PR is not set")]
    [InlineData("17:" + Id, "nope", "THERMO_PR is not a valid PR id")]
    [InlineData("PR-005", null, "PR:FENCE")]
    [InlineData("PR-005:17:" + Id + ":x", null, "PR:FENCE")]
    [InlineData("PR-:17", null, "not a valid PR id")]
    [InlineData("PR-005:0", null, "at least 1")]
    [InlineData("PR-005:-1", null, "at least 1")]
    [InlineData("PR-005: 17", null, "at least 1")]
    [InlineData("PR-005:seventeen", null, "at least 1")]
    [InlineData("PR-005:17:", null, "lease id")]
    [InlineData("PR-005:17:ABCDEF", null, "lease id")]
    public void TryParse_Malformed_SaysWhatIsWrongWithoutTheId(string value, string? pr, string expected)
    {
        Assert.False(PrLease.TryParse(value, pr, out var lease, out var problem));
        Assert.Null(lease);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Id, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailers_NameThePrAndFenceOnly()
    {
        Assert.True(PrLease.TryParse($"PR-005:17:{Id}", null, out var lease, out _));

        Assert.Equal(["Thermocline-PR: PR-005", "Thermocline-Lease: 17"], LeaseTrailers.For(lease));
    }

    [Fact]
    public void ReadTrailers_None_IsAPersonsCommit()
    {
        Assert.Null(LeaseTrailers.Read([], [], out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void ReadTrailers_Both_NameTheLease()
    {
        var lease = LeaseTrailers.Read(["PR-005"], [" 17 "], out var problem);

        Assert.Null(problem);
        Assert.Equal("PR-005:17", lease!.ToString());
    }

    [Theory]
    [InlineData(new[] { "PR-005" }, new string[0], "no Thermocline-Lease")]
    [InlineData(new string[0], new[] { "17" }, "no Thermocline-PR")]
    [InlineData(new[] { "PR-005", "PR-006" }, new[] { "17" }, "2 Thermocline-PR trailers")]
    [InlineData(new[] { "PR-005" }, new[] { "17", "18" }, "2 Thermocline-Lease trailers")]
    [InlineData(new[] { "005" }, new[] { "17" }, "not a valid PR id")]
    [InlineData(new[] { "PR-005" }, new[] { "17:abc" }, "not a fence")]
    [InlineData(new[] { "PR-005" }, new[] { "0" }, "not a fence")]
    [InlineData(new[] { "PR-005" }, new[] { "99999999999999999999999" }, "not a fence")]
    public void ReadTrailers_Malformed_SaysWhy(string[] prs, string[] fences, string expected)
    {
        Assert.Null(LeaseTrailers.Read(prs, fences, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
