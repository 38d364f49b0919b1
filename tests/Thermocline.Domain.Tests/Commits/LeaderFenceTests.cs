using Thermocline.Domain.Commits;
using Thermocline.Domain.States;

namespace Thermocline.Domain.Tests.Commits;

/// <summary>The leader fence a hub group's active hub writes into its commits: one more metadata line, parsed as the rest.</summary>
public sealed class LeaderFenceTests
{
    private static readonly DateTimeOffset At = new(2025, 11, 14, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public void AMilestone_GetsTheLeaderFenceAsItsLastMetadataLine_AndStillParsesAsBefore()
    {
        var plain = CommitMessages.Transition(new ColdTransition("PR-005", HotState.InProgress, ColdState.Completed, "agent-1") { Lease = 17, ClaimedFrom = ColdState.Ready }, At, 200);
        var fenced = CommitMessages.WithLeaderFence(plain, 3);

        Assert.Equal(plain + "- Leader-Fence: 3\n", fenced);
        var before = MilestoneParser.Parse("abc", plain, At).Single();
        var after = MilestoneParser.Parse("abc", fenced, At).Single();
        Assert.Equal(before, after);
    }

    [Fact]
    public void AnAddition_GetsItToo()
    {
        var added = CommitMessages.Addition("PR-042", "A title", "agent-1", null, At);
        Assert.EndsWith("- Timestamp: 2025-11-14T10:30:00Z\n- Leader-Fence: 12\n", CommitMessages.WithLeaderFence(added, 12), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Display Sync] Update hot state visibility\n\nNo PR is hot.\n")]
    [InlineData("Metadata:\nnot at the end\n\nA last paragraph\n")]
    [InlineData("no line end\n\nMetadata:\n- Agent: a")]
    public void AMessageWithoutMetadataAtItsEnd_IsLeftAsItIs(string message) =>
        Assert.Equal(message, CommitMessages.WithLeaderFence(message, 5));
}
