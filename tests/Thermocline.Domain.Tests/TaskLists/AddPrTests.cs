using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.TaskLists;

public sealed class AddPrTests
{
    private const string Head = "# Tasks\r\n\r\nOur work.\r\n\r\n";

    private static string Pr(string id, string nl = "\n") =>
        $"### {id}: Title{nl}{nl}---{nl}pr_id: {id}{nl}title: Title{nl}cold_state: ready{nl}priority: high{nl}dependencies: []{nl}---{nl}{nl}Description.{nl}{nl}";

    private static NewPr New(string title, params string[] dependencies) => new(null, title, Priority.High, dependencies);

    [Fact]
    public void WithAddedPr_AppendsABlockInTheListsStyle_KeepingEveryOtherByte()
    {
        var text = Head + Pr("PR-007", "\r\n") + Pr("PR-012", "\r\n") + "Trailing notes.\r\n";
        var list = TaskList.Parse(text);

        var (added, id) = list.WithAddedPr(New("Parse the config: YAML & JSON", "PR-007") with { Description = "Found while fixing PR-012.", DiscoveredFrom = "PR-012" });

        Assert.Equal("PR-013", id);
        Assert.StartsWith(text, added.Text, StringComparison.Ordinal);
        Assert.Equal(
            "\r\n### PR-013: Parse the config: YAML & JSON\r\n\r\n---\r\npr_id: PR-013\r\ntitle: \"Parse the config: YAML & JSON\"\r\ncold_state: new\r\npriority: high\r\n" +
            "dependencies: [PR-007]\r\ndiscovered_from: PR-012\r\n---\r\n\r\nFound while fixing PR-012.\r\n\r\n",
            added.Text[text.Length..]);
        var pr = added.Find("PR-013")!;
        Assert.Equal(("Parse the config: YAML & JSON", ColdState.New, Priority.High), (pr.Title, pr.ColdState, pr.Priority));
        Assert.Equal(["PR-007"], pr.Dependencies);
        Assert.False(added.HasErrors);
    }

    [Fact]
    public void WithAddedPr_EmptyList_StartsAtPr001_AndTitlesThatReadAsOtherTypesAreQuoted()
    {
        var (first, id) = TaskList.Parse("").WithAddedPr(New("42"));
        var (second, next) = first.WithAddedPr(New("Plain title, with a comma"));

        Assert.Equal(("PR-001", "PR-002"), (id, next));
        Assert.Equal("42", second.Find("PR-001")!.Title);
        Assert.Contains("title: \"42\"\n", second.Text, StringComparison.Ordinal);
        Assert.Contains("title: Plain title, with a comma\n", second.Text, StringComparison.Ordinal);
        Assert.Equal("PR-1000", TaskList.Parse(Pr("PR-999")).NextFreeId());
    }

    [Fact]
    public void WithAddedPr_DisplaySectionAfterThePrs_BlockGoesBeforeIt()
    {
        var list = TaskList.Parse(Pr("PR-001")).WithHotStateDisplay("No PR is being worked on.\n");

        var (added, _) = list.WithAddedPr(New("Next"));

        Assert.True(added.Text.IndexOf("pr_id: PR-002", StringComparison.Ordinal) < added.Text.IndexOf(HotStateDisplay.StartMarker, StringComparison.Ordinal));
        Assert.Equal(list.HotStateDisplayBody, added.HotStateDisplayBody);
    }

    [Theory]
    [InlineData("", ErrorKind.Usage)]
    [InlineData("two\nlines", ErrorKind.Usage)]
    [InlineData("# heading", ErrorKind.Usage)]
    [InlineData("--- fence", ErrorKind.Usage)]
    [InlineData(" padded", ErrorKind.Usage)]
    [InlineData("bidi \u202e", ErrorKind.Usage)]
    public void WithAddedPr_BadTitle_RefusedAndTheListUnchanged(string title, ErrorKind kind)
    {
        var text = Pr("PR-001");
        var list = TaskList.Parse(text);

        var e = Assert.Throws<ThermoclineException>(() => list.WithAddedPr(New(title)));

        Assert.Equal(kind, e.Kind);
        Assert.Equal(text, list.Text);
    }

    [Fact]
    public void WithAddedPr_UnknownDependencyDuplicateIdOrBadId_Refused()
    {
        var list = TaskList.Parse(Pr("PR-001"));

        Assert.Equal(ErrorKind.BadTaskList, Assert.Throws<ThermoclineException>(() => list.WithAddedPr(New("X", "PR-404"))).Kind);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<ThermoclineException>(() => list.WithAddedPr(New("X") with { Id = "PR-001" })).Kind);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<ThermoclineException>(() => list.WithAddedPr(New("X") with { Id = "PR-1; rm" })).Kind);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<ThermoclineException>(() => list.WithAddedPr(New("X", "PR-001", "PR-001"))).Kind);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<ThermoclineException>(() => list.WithAddedPr(New("X") with { Description = new string('d', NewPr.MaxDescriptionLength + 1) })).Kind);
    }

    [Fact]
    public void WithAddedPr_AnExistingPrWaitingOnTheNewId_ACycleIsRefused()
    {
        var list = TaskList.Parse(Pr("PR-001").Replace("dependencies: []", "dependencies: [PR-002]", StringComparison.Ordinal));

        var e = Assert.Throws<ThermoclineException>(() => list.WithAddedPr(new NewPr("PR-002", "Back", Priority.Low, ["PR-001"])));

        Assert.Equal(ErrorKind.BadTaskList, e.Kind);
        Assert.Contains("dependency cycle", e.Message, StringComparison.Ordinal);
    }
}
