using System.Text;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;

namespace Thermocline.Domain.Tests.TaskLists;

public class FixtureTaskListTests
{
    private static byte[] Fixture() => File.ReadAllBytes(SharedFixtures.Fixture("lemegeton-task-list.md")!);

    [SharedFixtureFact]
    public void Parse_LemegetonFixture_ReadsEveryValidBlockAndReportsTheBrokenOne()
    {
        var list = TaskList.Parse(Fixture());

        // 53 PR headings; one block (PR-015) has an unquoted "estimated_minutes: 70 (actual: ~240 minutes)".
        Assert.Equal(52, list.Prs.Count);
        var error = Assert.Single(list.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("yaml-syntax", error.Code);
        var lines = Encoding.UTF8.GetString(Fixture()).Split('\n');
        Assert.Contains("estimated_minutes: 70 (actual:", lines[error.Line - 1], StringComparison.Ordinal);
        Assert.Equal(ColdState.Completed, list.Find("PR-001")!.ColdState);
        Assert.Equal(["PR-001"], list.Find("PR-002")!.Dependencies);
    }

    [SharedFixtureFact]
    public void ToBytes_LemegetonFixture_RoundTripsByteForByte()
    {
        var bytes = Fixture();
        Assert.Equal(bytes, TaskList.Parse(bytes).ToBytes());
    }

    [SharedFixtureFact]
    public void BodyOf_LemegetonFixture_IsTheMarkdownUnderTheBlockUpToTheNextHeading()
    {
        var list = TaskList.Parse(Fixture());

        var body = list.BodyOf("PR-001")!;

        Assert.StartsWith("**Description:**\nSet up the foundational TypeScript project", body, StringComparison.Ordinal);
        Assert.EndsWith("- All estimated files created as planned", body, StringComparison.Ordinal);
        Assert.Contains("**Acceptance Criteria:**\n- [x] TypeScript configured", body, StringComparison.Ordinal);
        Assert.DoesNotContain("### PR-002", body, StringComparison.Ordinal);
        Assert.All(list.Prs, pr => Assert.DoesNotContain("\n### ", list.BodyOf(pr.Id)!, StringComparison.Ordinal));
        Assert.Null(list.BodyOf("PR-999"));
    }
}
