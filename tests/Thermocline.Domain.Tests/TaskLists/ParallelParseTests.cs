using Thermocline.Domain.TaskLists;
using Thermocline.Domain.TaskLists.Parsing;
using Thermocline.Testing;

namespace Thermocline.Domain.Tests.TaskLists;

/// <summary>Large lists are read in parallel chunks; the outcome must be exactly that of one reader.</summary>
public sealed class ParallelParseTests
{
    [Theory]
    [InlineData(3, false)]
    [InlineData(1_500, false)]
    [InlineData(2_345, true)]
    public void Parse_ParallelAndSequential_GiveTheSamePrsAndDiagnostics(int count, bool varied)
    {
        var text = TaskListGenerator.Generate(count, seed: count, new TaskListStyle { Varied = varied, DisplaySection = true });

        var sequential = TaskListParser.Parse(text, parallel: false);
        var parallel = TaskListParser.Parse(text, parallel: true);

        Assert.Equal(count, sequential.Prs.Count);
        AssertSame(sequential, parallel);
    }

    [Fact]
    public void Parse_ErrorsInSeveralChunks_ReportedOnceEachInLineOrder()
    {
        // Broken blocks early, in the middle and at the end, a duplicate id across chunks and a dependency on a block
        // that cannot be read: every check across PRs must see the whole list.
        var text = TaskListGenerator.Generate(2_000, seed: 7);
        text = Break(text, "PR-010", "cold_state: ", "cold_state: [unclosed\ncold_state: ");
        text = Break(text, "PR-1000", "pr_id: PR-1000", "pr_id: PR-999");
        text = Break(text, "PR-1999", "pr_id: PR-1999", "pr_id: 'not an id'");
        text = Break(text, "PR-2000", "dependencies:", "dependencies: [PR-1999, PR-9999]\nignored:");

        var sequential = TaskListParser.Parse(text, parallel: false);
        var parallel = TaskListParser.Parse(text, parallel: true);

        Assert.Contains(sequential.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(sequential.Diagnostics, d => d.Code.Contains("duplicate", StringComparison.Ordinal));
        Assert.Contains(sequential.Diagnostics, d => d.Message.Contains("PR-9999", StringComparison.Ordinal));
        AssertSame(sequential, parallel);
        Assert.Equal(parallel.Diagnostics.OrderBy(d => d.Line).Select(d => d.Line), parallel.Diagnostics.Select(d => d.Line));
    }

    [Fact]
    public void Parse_DefaultChoice_IsParallelOnlyAboveTheThreshold()
    {
        // Whatever the default picks, a list just above the threshold reads the same as one reader would.
        var text = TaskListGenerator.Generate(TaskListParser.ParallelThreshold + 1, seed: 3);

        AssertSame(TaskListParser.Parse(text, parallel: false), TaskListParser.Parse(text));
        Assert.Equal(TaskListParser.ParallelThreshold + 1, TaskList.Parse(text).Prs.Count);
    }

    private static string Break(string text, string prId, string what, string with)
    {
        var at = text.IndexOf($"pr_id: {prId}\n", StringComparison.Ordinal);
        Assert.True(at >= 0, $"{prId} not generated");
        var block = text.LastIndexOf("\n---\n", at, StringComparison.Ordinal);
        var field = text.IndexOf(what, block, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, field), with, text.AsSpan(field + what.Length));
    }

    private static void AssertSame(TaskListParser.Result expected, TaskListParser.Result actual)
    {
        Assert.Equal(expected.Prs.Count, actual.Prs.Count);
        for (var i = 0; i < expected.Prs.Count; i++)
        {
            Assert.Equal(expected.Prs[i].Id, actual.Prs[i].Id);
            Assert.Equal(expected.Prs[i].ColdState, actual.Prs[i].ColdState);
            Assert.Equal(expected.Prs[i].Dependencies, actual.Prs[i].Dependencies);
            Assert.Equal(expected.Prs[i].Location, actual.Prs[i].Location);
        }

        Assert.Equal(expected.Diagnostics, actual.Diagnostics);
        Assert.Equal(expected.Display, actual.Display);
    }
}
