using System.Text;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;

namespace Thermocline.Domain.Tests.TaskLists;

public sealed class EditPrTests
{
    private const string Head = "# Tasks\r\n\r\nOur work.\r\n\r\n";

    private static string Pr(string id, string nl = "\n", string dependencies = "[]") =>
        $"### {id}: Title{nl}{nl}---{nl}pr_id: {id}{nl}title: Title{nl}cold_state: ready{nl}priority: high{nl}dependencies: {dependencies}{nl}---{nl}{nl}Description.{nl}{nl}";

    private static PrEdit Edit(string id) => new(id);

    [Fact]
    public void WithEditedPr_TitlePriorityDependencies_OnlyThoseValuesChange_InTheFilesLineEndings()
    {
        var text = Head + Pr("PR-001", "\r\n") + Pr("PR-002", "\r\n", "[PR-001]  # after the first") + "Trailing notes.\r\n";
        var list = TaskList.Parse(text);

        var (edited, changed) = list.WithEditedPr(Edit("PR-002") with { Title = "Parse the config: YAML", Priority = Priority.Critical, Dependencies = [] });

        Assert.Equal(["title", "priority", "dependencies"], changed);
        var expected = text
            .Replace("### PR-002: Title", "### PR-002: Parse the config: YAML", StringComparison.Ordinal)
            .Replace("pr_id: PR-002\r\ntitle: Title\r\ncold_state: ready\r\npriority: high\r\ndependencies: [PR-001]  # after the first",
                "pr_id: PR-002\r\ntitle: \"Parse the config: YAML\"\r\ncold_state: ready\r\npriority: critical\r\ndependencies: []  # after the first", StringComparison.Ordinal);
        Assert.Equal(expected, edited.Text);
        var pr = edited.Find("PR-002")!;
        Assert.Equal(("Parse the config: YAML", ColdState.Ready, Priority.Critical), (pr.Title, pr.ColdState, pr.Priority));
        Assert.Empty(pr.Dependencies);
    }

    [Fact]
    public void WithEditedPr_MissingFieldsAndBlockList_EachGetsItsLine()
    {
        var text = Pr("PR-001") + Pr("PR-003") + "### PR-002: Old\n\n---\npr_id: PR-002\ntitle: 'Old'\ncold_state: new\ncomplexity:\n  score: 3\ndependencies:\n  - PR-001\n# the end\n---\n";
        var list = TaskList.Parse(text);

        var (edited, changed) = list.WithEditedPr(Edit("PR-002") with { Title = "It's new", Priority = Priority.Low, AddDependencies = ["PR-001", "PR-003"], DiscoveredFrom = "PR-001" });

        Assert.Equal(["title", "priority", "dependencies", "discovered_from"], changed);
        Assert.Equal(
            Pr("PR-001") + Pr("PR-003") + "### PR-002: It's new\n\n---\npr_id: PR-002\ntitle: 'It''s new'\ncold_state: new\npriority: low\ncomplexity:\n  score: 3\n" +
            "dependencies:\n  - PR-001\n  - PR-003\ndiscovered_from: PR-001\n# the end\n---\n",
            edited.Text);
        Assert.Equal(["PR-001", "PR-003"], edited.Find("PR-002")!.Dependencies);
        Assert.Equal("PR-001", edited.FieldsOf("PR-002")!.DiscoveredFrom);

        var (emptied, _) = edited.WithEditedPr(Edit("PR-002") with { Dependencies = [] });
        Assert.Contains("  score: 3\ndependencies: []\ndiscovered_from: PR-001\n", emptied.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithEditedPr_NoTitleField_TheHeadingCarriesIt_AndABlockTheFullParserReadsIsEditedAsWell()
    {
        var text = "### PR-001\n\n---\npr_id: PR-001\ncold_state: ready\n---\n\n### PR-002: \"Quoted\"\n\n---\npr_id: PR-002\ntitle: \"Say \\\"hi\\\"\"\npriority: high\n---\n";
        var list = TaskList.Parse(text);

        var (first, _) = list.WithEditedPr(Edit("PR-001") with { Title = "Named at last", Priority = Priority.High });
        var (second, _) = first.WithEditedPr(Edit("PR-002") with { Title = "Say \"bye\"" });

        Assert.Equal(
            "### PR-001: Named at last\n\n---\npr_id: PR-001\ncold_state: ready\npriority: high\n---\n\n### PR-002: Say \"bye\"\n\n---\npr_id: PR-002\ntitle: \"Say \\\"bye\\\"\"\npriority: high\n---\n",
            second.Text);
        Assert.Equal("Say \"bye\"", second.Find("PR-002")!.Title);
    }

    [Fact]
    public void WithEditedPr_Description_ReplacesTheParagraphUnderTheBlock_AddsOneWhenThereIsNone_AndEmptyRemovesIt()
    {
        var text = Pr("PR-001") + "### PR-002: Two\n\n---\npr_id: PR-002\npriority: low\n---\n**Acceptance Criteria:**\n- [ ] works\n\n### PR-003: Three\n\n---\npr_id: PR-003\npriority: low\n---\n";
        var list = TaskList.Parse(text);

        var replaced = list.WithEditedPr(Edit("PR-001") with { Description = "Now says more." }).List;
        var added = replaced.WithEditedPr(Edit("PR-002") with { Description = "Two things." }).List;
        var atTheEnd = added.WithEditedPr(Edit("PR-003") with { Description = "Last." }).List;

        Assert.Equal(
            Pr("PR-001").Replace("Description.", "Now says more.", StringComparison.Ordinal) +
            "### PR-002: Two\n\n---\npr_id: PR-002\npriority: low\n---\n\nTwo things.\n\n**Acceptance Criteria:**\n- [ ] works\n\n### PR-003: Three\n\n---\npr_id: PR-003\npriority: low\n---\n\nLast.\n",
            atTheEnd.Text);
        Assert.Equal("Two things.", atTheEnd.FieldsOf("PR-002")!.Description);
        Assert.Null(list.FieldsOf("PR-002")!.Description);

        var removed = atTheEnd.WithEditedPr(Edit("PR-002") with { Description = "" }).List.WithEditedPr(Edit("PR-003") with { Description = "" }).List;
        Assert.EndsWith("---\n\n**Acceptance Criteria:**\n- [ ] works\n\n### PR-003: Three\n\n---\npr_id: PR-003\npriority: low\n---\n\n", removed.Text, StringComparison.Ordinal);
        Assert.Equal((null, null), (removed.FieldsOf("PR-002")!.Description, removed.FieldsOf("PR-003")!.Description));
    }

    [Fact]
    public void WithEditedPr_DescriptionAfterItsLabelOnOneLine_OnlyTheTextAfterTheLabelChanges()
    {
        var text = Pr("PR-001").Replace("Description.", "**Description:** first,\nstill first.\n\n**Notes:** kept.", StringComparison.Ordinal);
        var list = TaskList.Parse(text);
        Assert.Equal("first, still first.", list.FieldsOf("PR-001")!.Description);

        var (edited, changed) = list.WithEditedPr(Edit("PR-001") with { Description = "second." });

        Assert.Equal(["description"], changed);
        Assert.Equal(text.Replace("first,\nstill first.", "second.", StringComparison.Ordinal), edited.Text);
    }

    [SharedFixtureFact]
    public void WithEditedPr_LemegetonFixture_EveryOtherByteKept_AndTheLabelledDescriptionIsTheOneEdited()
    {
        var original = Encoding.UTF8.GetString(File.ReadAllBytes(SharedFixtures.Fixture("lemegeton-task-list.md")!));
        var text = original.Replace("estimated_minutes: 70 (actual: ~240 minutes)", "estimated_minutes: 70", StringComparison.Ordinal);
        var list = TaskList.Parse(text);
        var before = list.Find("PR-003")!;

        var (edited, changed) = list.WithEditedPr(Edit("PR-003") with { Title = "State Machine", Priority = Priority.Low, AddDependencies = ["PR-001"], Description = "A shorter description." });

        Assert.Equal(["title", "priority", "dependencies", "description"], changed);
        var oldLines = text.Split('\n');
        var newLines = edited.Text.Split('\n');
        Assert.Equal(oldLines.Length, newLines.Length);
        var differing = Enumerable.Range(0, oldLines.Length).Where(i => oldLines[i] != newLines[i]).ToList();
        Assert.Equal(5, differing.Count);
        Assert.Equal("### PR-003: State Machine", newLines[before.Location.HeadingLine - 1]);
        Assert.Equal("dependencies: [PR-002, PR-001]", newLines[differing[3]]);
        Assert.Equal("**Description:**", newLines[differing[4] - 1]);
        Assert.Equal("A shorter description.", newLines[differing[4]]);
        Assert.Equal("A shorter description.", edited.FieldsOf("PR-003")!.Description);
        Assert.Equal(list.Prs.Select(p => (p.Id, p.ColdState)), edited.Prs.Select(p => (p.Id, p.ColdState)));
    }

    [Fact]
    public void WithEditedPr_SameValues_NoChangeAndTheSameList()
    {
        var list = TaskList.Parse(Pr("PR-001") + Pr("PR-002", dependencies: "[PR-001]"));

        var (same, changed) = list.WithEditedPr(Edit("PR-002") with { Title = "Title", Priority = Priority.High, AddDependencies = ["PR-001"], Description = "Description." });

        Assert.Empty(changed);
        Assert.Same(list, same);
    }

    [Theory]
    [InlineData("unknown-pr", ErrorKind.NotFound)]
    [InlineData("nothing", ErrorKind.Usage)]
    [InlineData("unknown-dependency", ErrorKind.BadTaskList)]
    [InlineData("self", ErrorKind.BadTaskList)]
    [InlineData("cycle", ErrorKind.BadTaskList)]
    [InlineData("twice", ErrorKind.Usage)]
    [InlineData("bad-id", ErrorKind.Usage)]
    [InlineData("bell", ErrorKind.Usage)]
    [InlineData("long", ErrorKind.Usage)]
    [InlineData("empty-title", ErrorKind.Usage)]
    [InlineData("list-description", ErrorKind.Usage)]
    public void WithEditedPr_BadEdit_RefusedAndTheListUnchanged(string what, ErrorKind kind)
    {
        var text = Pr("PR-001") + Pr("PR-002", dependencies: "[PR-001]");
        var list = TaskList.Parse(text);
        var edit = what switch
        {
            "unknown-pr" => Edit("PR-404") with { Title = "X" },
            "nothing" => Edit("PR-001"),
            "unknown-dependency" => Edit("PR-001") with { AddDependencies = ["PR-404"] },
            "self" => Edit("PR-001") with { Dependencies = ["PR-001"] },
            "cycle" => Edit("PR-001") with { Dependencies = ["PR-002"] },
            "twice" => Edit("PR-001") with { Dependencies = ["PR-002", "PR-002"] },
            "bad-id" => Edit("PR-001") with { Dependencies = ["PR-1;rm"] },
            "bell" => Edit("PR-001") with { Title = "bell \u0007" },
            "long" => Edit("PR-001") with { Description = new string('d', NewPr.MaxDescriptionLength + 1) },
            "empty-title" => Edit("PR-001") with { Title = "" },
            _ => Edit("PR-001") with { Description = "- a list item" },
        };

        var e = Assert.Throws<ThermoclineException>(() => list.WithEditedPr(edit));

        Assert.Equal(kind, e.Kind);
        Assert.Equal(text, list.Text);
        if (what == "cycle")
        {
            Assert.Contains("dependency cycle", e.Message, StringComparison.Ordinal);
        }
    }
}
