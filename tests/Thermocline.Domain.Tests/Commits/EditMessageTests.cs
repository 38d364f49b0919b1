using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.Commits;

public sealed class EditMessageTests
{
    private static readonly DateTimeOffset At = new(2025, 11, 14, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Edit_NamesTheAgentAndEachFieldBeforeAndAfter_AndReadsBackAsAnEditNotAMilestone()
    {
        var before = new PrFields("Old\ntitle", Priority.High, ["PR-001"], null, null);
        var after = new PrFields("New title", Priority.Critical, [], "PR-007", "Said.");

        var message = CommitMessages.Edit("PR-042", "alice", before, after, ["title", "priority", "dependencies", "discovered_from", "description"], At);

        Assert.Equal(
            "PR-042: edited\n\nAgent alice edited PR-042: title, priority, dependencies, discovered_from, description.\n\nChanges:\n" +
            "- title: Old title → New title\n- priority: high → critical\n- dependencies: [PR-001] → []\n- discovered_from: (none) → PR-007\n- description: added\n\n" +
            "Metadata:\n- Agent: alice\n- Fields: title, priority, dependencies, discovered_from, description\n- Timestamp: 2025-11-14T10:30:00Z\n",
            message);
        Assert.Equal(CommitKind.Edit, MilestoneParser.Classify(message));
        Assert.Empty(MilestoneParser.Parse("abc", message, At));
        Assert.Equal(CommitKind.Other, MilestoneParser.Classify("PR-1;x: edited"));
        Assert.Equal(ErrorKind.Usage, Assert.Throws<ThermoclineException>(() => CommitMessages.Edit("PR-042", "bad agent", before, after, ["title"], At)).Kind);
    }
}
