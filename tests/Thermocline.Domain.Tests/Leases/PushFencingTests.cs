using Thermocline.Domain.Leases;

namespace Thermocline.Domain.Tests.Leases;

public sealed class PushFencingTests
{
    private static readonly PrLease A = new("PR-005", 17);
    private static readonly DateTimeOffset End = new(2025, 11, 14, 10, 30, 0, TimeSpan.Zero);

    private static LeaseStanding Standing(LeaseStandingKind kind, DateTimeOffset? endedAt = null, string? ending = null, long? by = null, string? byAgent = null, string? standing = null) =>
        new(kind, standing ?? kind.ToString().ToLowerInvariant(), "agent-a", endedAt, ending, by, byAgent, null, "the hub's sentence");

    [Fact]
    public void Judge_Current_Passes()
    {
        var verdict = PushFencing.Judge(A, End.AddHours(5), Standing(LeaseStandingKind.Current));

        Assert.True(verdict.Passes);
    }

    [Fact]
    public void Judge_Superseded_RefusesNamingTheNewerFenceAndItsAgent()
    {
        var verdict = PushFencing.Judge(A, End.AddMinutes(-10), Standing(LeaseStandingKind.Superseded, End, "expired", 18, "agent-b"));

        Assert.False(verdict.Passes);
        Assert.StartsWith("superseded by fence 18 (agent-b)", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_SupersededByUnknownAgent_NamesTheFenceOnly()
    {
        var verdict = PushFencing.Judge(A, End, Standing(LeaseStandingKind.Superseded, by: 18));

        Assert.False(verdict.Passes);
        Assert.StartsWith("superseded by fence 18:", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_NeverIssued_Refuses()
    {
        var verdict = PushFencing.Judge(A, End, Standing(LeaseStandingKind.NeverIssued));

        Assert.False(verdict.Passes);
        Assert.Contains("ever had fence 17", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-3600)]
    [InlineData(0)]
    [InlineData(1)] // git's whole seconds and a little clock skew
    public void Judge_EndedAfterTheCommit_Passes(int secondsAfterEnd)
    {
        var verdict = PushFencing.Judge(A, End.AddSeconds(secondsAfterEnd), Standing(LeaseStandingKind.Ended, End, "released"));

        Assert.True(verdict.Passes, verdict.Reason);
    }

    [Theory]
    [InlineData("expired", "after the lease expired at 2025-11-14T10:30:00Z (held by agent-a)")]
    [InlineData("released", "after the lease was released at 2025-11-14T10:30:00Z")]
    [InlineData("milestone", "after the lease ended with a milestone at 2025-11-14T10:30:00Z")]
    [InlineData(null, "after the lease ended at 2025-11-14T10:30:00Z")]
    public void Judge_EndedBeforeTheCommit_RefusesSayingHowAndWhen(string? ending, string expected)
    {
        var verdict = PushFencing.Judge(A, End.AddSeconds(2), Standing(LeaseStandingKind.Ended, End, ending));

        Assert.False(verdict.Passes);
        Assert.Contains("committed at 2025-11-14T10:30:02Z", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(expected, verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_EndedWithTheMilestoneCommit_NamesIt()
    {
        var standing = Standing(LeaseStandingKind.Ended, End, "milestone") with { Commit = "0123456789abcdef0123456789abcdef01234567" };

        var verdict = PushFencing.Judge(A, End.AddMinutes(1), standing);

        Assert.Contains("ended with the milestone 0123456789", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_EndedWithNoRecordedEnd_FailsClosedSayingWhatToDo()
    {
        var verdict = PushFencing.Judge(A, End.AddYears(-1), Standing(LeaseStandingKind.Ended, endedAt: null, ending: "expired"));

        Assert.False(verdict.Passes);
        Assert.Contains("no record of when", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("THERMO_LEASE=PR-005:NEWFENCE", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_UnknownStanding_FailsClosed()
    {
        var verdict = PushFencing.Judge(A, End, Standing(LeaseStandingKind.Unknown, standing: "paused"));

        Assert.False(verdict.Passes);
        Assert.Contains("the hub's sentence (standing 'paused')", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("current", LeaseStandingKind.Current)]
    [InlineData("ended", LeaseStandingKind.Ended)]
    [InlineData("superseded", LeaseStandingKind.Superseded)]
    [InlineData("never-issued", LeaseStandingKind.NeverIssued)]
    [InlineData("Current", LeaseStandingKind.Unknown)]
    [InlineData(null, LeaseStandingKind.Unknown)]
    public void KindOf_WireName_MapsExactly(string? standing, LeaseStandingKind expected) =>
        Assert.Equal(expected, LeaseStanding.KindOf(standing));
}
