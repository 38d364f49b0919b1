using System.Text;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.TaskLists;

public class ValidationTests
{
    private static string Pr(string id, string body = "cold_state: ready\npriority: high\ndependencies: []") =>
        $"### {id}: Title\n\n---\npr_id: {id}\ntitle: Title\n{body}\n---\n\nDescription.\n\n";

    private static List<TaskListDiagnostic> Errors(string text) =>
        TaskList.Parse(text).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    private static int LineOf(string text, string needle) =>
        text[..text.IndexOf(needle, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOneWithItsLine()
    {
        var text = Pr("PR-001") +
            Pr("PR-002", "cold_state: done\npriority: high") +
            Pr("PR-003", "cold_state: ready\ntitle: Fix: thing") +
            Pr("PR-004", "cold_state: ready\ndependencies: [PR-001, PR-404]") +
            Pr("PR-001");

        var errors = Errors(text);

        Assert.Equal(["unknown-cold-state", "yaml-syntax", "unknown-dependency", "duplicate-pr-id"], errors.Select(e => e.Code));
        Assert.Equal(LineOf(text, "cold_state: done"), errors[0].Line);
        Assert.Equal(LineOf(text, "title: Fix: thing"), errors[1].Line);
        Assert.Contains("quotes", errors[1].Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(text, "dependencies: [PR-001, PR-404]"), errors[2].Line);
        Assert.Equal("PR-004", errors[2].PrId);
        Assert.Contains("first defined at line 4", errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DependencyCycle_NamesTheCycle()
    {
        var text = Pr("PR-001", "dependencies: [PR-003]\npriority: low") + Pr("PR-002", "dependencies: [PR-001]\npriority: low") + Pr("PR-003", "dependencies: [PR-002]\npriority: low") + Pr("PR-004", "dependencies: [PR-004]\npriority: low");

        var errors = Errors(text);

        Assert.Equal(2, errors.Count);
        Assert.Contains("dependency cycle: PR-001 → PR-003 → PR-002 → PR-001", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("dependency cycle: PR-004 → PR-004", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongDependencyChain_DoesNotOverflowAndFindsTheCycle()
    {
        var sb = new StringBuilder();
        for (var i = 1; i <= 20_000; i++)
        {
            sb.Append(Pr($"PR-{i}", $"priority: low\ndependencies: [PR-{(i == 20_000 ? 1 : i + 1)}]"));
        }

        var error = Assert.Single(Errors(sb.ToString()));
        Assert.Equal("dependency-cycle", error.Code);
    }

    [Fact]
    public void Parse_MissingPrIdAndHotStateAsColdState_AreErrors()
    {
        var text = "### PR-001: A\n---\ntitle: A\n---\n\n" + Pr("PR-002", "cold_state: in-progress\npriority: low");
        var errors = Errors(text);
        Assert.Equal(["missing-pr-id", "unknown-cold-state"], errors.Select(e => e.Code));
        Assert.Contains("hot state", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKeyInBlock_IsAnError()
    {
        var errors = Errors(Pr("PR-001", "cold_state: ready\ncold_state: approved\npriority: low"));
        Assert.Equal("duplicate-key", Assert.Single(errors).Code);
    }

    [Fact]
    public void Parse_LiveableProblems_AreWarningsNotErrors()
    {
        var list = TaskList.Parse(Pr("PR-001", "cold_state: ready\nestimated_files:\n  - path: a\n    action: rewrite") + Pr("PR-002", "priority: urgent"));
        Assert.False(list.HasErrors);
        Assert.Equal(["missing-priority", "unknown-action", "unknown-priority"], list.Diagnostics.Select(d => d.Code));
        Assert.All(list.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void Parse_TextWithoutAnyPrBlock_WarnsItMayBeTheWrongFile_AnEmptyFileDoesNot()
    {
        var readme = TaskList.Parse("# My project\n\nSome notes about the build.\n\n---\n\nMore prose.\n");

        var warning = Assert.Single(readme.Diagnostics);
        Assert.Equal(("no-prs", DiagnosticSeverity.Warning, 1), (warning.Code, warning.Severity, warning.Line));
        Assert.False(readme.HasErrors);
        Assert.Empty(TaskList.Parse("").Diagnostics);
        Assert.Empty(TaskList.Parse("\n  \n").Diagnostics);
        Assert.DoesNotContain(TaskList.Parse(Pr("PR-001")).Diagnostics, d => d.Code == "no-prs");
    }

    [Fact]
    public void Parse_MarkdownRulesAndFencedCode_AreNotFrontmatter()
    {
        var text = "# Title\n\n---\n\nProse.\n\n---\n\n```md\n### PR-009: in a code sample\n---\npr_id: PR-009\n---\n```\n\n" + Pr("PR-001") + "---\n\n## Next\n\n---\n";
        var list = TaskList.Parse(text);
        Assert.Empty(list.Diagnostics);
        Assert.Equal("PR-001", Assert.Single(list.Prs).Id);
    }

    [Fact]
    public void Parse_UnclosedBlock_IsAnErrorAtTheOpeningLine()
    {
        var error = Assert.Single(Errors("### PR-001: A\n\n---\npr_id: PR-001\n"));
        Assert.Equal(("unclosed-block", 3), (error.Code, error.Line));
    }

    [Fact]
    public void Format_Diagnostic_IsFileLineSeverityPrMessage()
    {
        var d = new TaskListDiagnostic(DiagnosticSeverity.Error, 12, "PR-005", "x", "broken");
        Assert.Equal("docs/task-list.md:12: error: PR-005: broken", d.Format("docs/task-list.md"));
    }
}
