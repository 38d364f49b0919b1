using System.Text;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.TaskLists;

public class HostileInputTests
{
    private static TaskListDiagnostic SingleError(TaskList list) =>
        Assert.Single(list.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

    [Fact]
    public void Parse_DeepFlowNesting_ReportsAnErrorWithoutOverflowing()
    {
        var text = "### PR-001: A\n---\npr_id: PR-001\nextra: " + new string('[', 100_000) + new string(']', 100_000) + "\n---\n";
        var error = SingleError(TaskList.Parse(text));
        Assert.Contains("deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasBomb_IsCheapAndTheBlockIsRead()
    {
        var sb = new StringBuilder("### PR-001: A\n---\npr_id: PR-001\npriority: low\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 30; i++)
        {
            sb.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }

        var list = TaskList.Parse(sb.Append("---\n").ToString());
        Assert.False(list.HasErrors);
        Assert.Equal("PR-001", Assert.Single(list.Prs).Id);
    }

    [Fact]
    public void Parse_InvalidUtf8_IsAnErrorNamingTheOffset()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("### PR-001: A\n"), 0xC3, 0x28];
        var error = SingleError(TaskList.Parse(bytes));
        Assert.Equal("encoding", error.Code);
        Assert.Contains("offset 14", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Oversized_IsRefusedWithTheLimit()
    {
        var bytes = new byte[TaskList.MaxBytes + 1];
        Array.Fill(bytes, (byte)'a');
        Assert.Equal("too-large", SingleError(TaskList.Parse(bytes)).Code);
    }

    [Theory]
    [InlineData("PR-001\nSigned-off-by: x")]
    [InlineData("PR-{1}")]
    [InlineData("PR-")]
    [InlineData("../../etc")]
    public void Parse_HostilePrIds_AreRejected(string id)
    {
        var text = $"### PR-001: A\n---\npr_id: \"{id.Replace("\n", "\\n", StringComparison.Ordinal)}\"\n---\n";
        var list = TaskList.Parse(text);
        Assert.Empty(list.Prs);
        Assert.Equal("invalid-pr-id", SingleError(list).Code);
    }

    [Fact]
    public void Parse_NonMappingBlocksAndMultipleDocuments_AreErrors()
    {
        Assert.Equal("not-a-mapping", SingleError(TaskList.Parse("### PR-001: A\n---\n- a list\n---\n")).Code);
        Assert.Equal("not-a-mapping", SingleError(TaskList.Parse("### PR-001: A\n---\n---\n")).Code);
        Assert.Equal("yaml-syntax", SingleError(TaskList.Parse("### PR-001: A\n---\npr_id: PR-001\n...\npr_id: PR-002\n---\n")).Code);
    }
}
