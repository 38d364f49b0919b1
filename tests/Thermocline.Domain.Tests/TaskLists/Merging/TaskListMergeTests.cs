using System.Text;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Domain.TaskLists.Merging;

namespace Thermocline.Domain.Tests.TaskLists.Merging;

/// <summary>The three-way merge by PR block, on texts: what each rule keeps, and every byte it leaves alone.</summary>
public sealed class TaskListMergeTests
{
    private const string Intro = "# Tasks\n\nIntro prose.\n\n";

    [Fact]
    public void Merge_OneSideChangedABlock_TakesThatSidesBlockByteForByte()
    {
        var b = List(Block("PR-001"), Block("PR-002"));
        var o = List(Block("PR-001"), Block("PR-002", priority: "'high'  # quoted, with a comment"));

        Assert.Equal(o, Clean(b, o, b));
        Assert.Equal(o, Clean(b, b, o));
    }

    [Fact]
    public void Merge_BothChangedDifferentFieldsOfOneBlock_MergesFieldByField()
    {
        var b = List(Block("PR-001"), Block("PR-002"));
        var o = List(Block("PR-001"), Block("PR-002", priority: "high"));
        var t = List(Block("PR-001"), Block("PR-002", deps: "[PR-001]", body: "Does a thing, better."));

        Assert.Equal(List(Block("PR-001"), Block("PR-002", priority: "high", deps: "[PR-001]", body: "Does a thing, better.")), Clean(b, o, t));
    }

    [Fact]
    public void Merge_BothChangedDifferentLinesOfTheDescription_MergesLineByLine()
    {
        var b = List(Block("PR-001", body: "one\ntwo\nthree\nfour"));
        var o = List(Block("PR-001", body: "one!\ntwo\nthree\nfour"));
        var t = List(Block("PR-001", body: "one\ntwo\nthree\nfour!", priority: "low"));

        Assert.Equal(List(Block("PR-001", body: "one!\ntwo\nthree\nfour!", priority: "low")), Clean(b, o, t));
    }

    [Fact]
    public void Merge_SameFieldChangedDifferently_IsAConflictAroundTheBlockWithTheMergedPartsOnBothSides()
    {
        var b = List(Block("PR-001"), Block("PR-002"));
        var o = List(Block("PR-001"), Block("PR-002", priority: "high"));
        var t = List(Block("PR-001", priority: "low"), Block("PR-002", priority: "critical", deps: "[PR-001]"));

        var result = Merge(b, o, t);

        Assert.True(result.HasConflicts);
        var expected = Intro + Block("PR-001", priority: "low")
            + "<<<<<<< ours\n" + Block("PR-002", priority: "high", deps: "[PR-001]")
            + "=======\n" + Block("PR-002", priority: "critical", deps: "[PR-001]")
            + ">>>>>>> theirs\n";
        Assert.Equal(expected, Text(result));
        Assert.Contains(result.Notes, n => n.PrId == "PR-002" && n.IsConflict && n.Message.Contains("priority", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ConflictMarkersLeftByTheMerge_ExplainsThemNamingThePr()
    {
        var b = List(Block("PR-001"), Block("PR-002"));
        var merged = TaskList.Parse(Text(Merge(b, List(Block("PR-001"), Block("PR-002", priority: "high")), List(Block("PR-001"), Block("PR-002", priority: "low")))));

        var conflict = Assert.Single(merged.Diagnostics, d => d.Code == "merge-conflict");
        Assert.Equal("PR-002", conflict.PrId);
        Assert.Equal(DiagnosticSeverity.Error, conflict.Severity);
        Assert.Contains("unresolved merge conflict (lines 17-43)", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("delete the three marker lines", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(conflict, merged.Diagnostics[0]);
    }

    [Fact]
    public void Validate_MarkersInsideAYamlBlock_NameThatPr()
    {
        var text = "### PR-001: A\n\n---\npr_id: PR-001\n<<<<<<< ours\ncold_state: ready\n=======\ncold_state: blocked\n>>>>>>> theirs\n---\n";

        var d = TaskList.Parse(text).Diagnostics.First(x => x.Code == "merge-conflict");

        Assert.Equal(("PR-001", 5), (d.PrId, d.Line));
    }

    [Theory]
    [InlineData("<<<<<<< HEAD\nIntro prose.\n", 1, "no '>>>>>>>' after it")]
    [InlineData("Intro prose.\n>>>>>>> theirs\n", 2, "no '<<<<<<<' before it")]
    [InlineData("Intro prose.\n<<<<<<<\nA\n=======\nB\n>>>>>>>\n", 2, "in the text outside PR blocks")]
    public void Validate_HalfResolvedOrBareMarkers_AreErrorsAtTheirLine(string prose, int line, string says)
    {
        var d = Assert.Single(TaskList.Parse("# Tasks\n" + prose + Block("PR-001")).Diagnostics, x => x.Code == "merge-conflict");

        Assert.Equal(line + 1, d.Line);
        Assert.Contains(says, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeparatorLineWithoutMarkers_IsAHeadingUnderlineNotAConflict() =>
        Assert.DoesNotContain(TaskList.Parse("Title\n=======\n\n" + Block("PR-001")).Diagnostics, d => d.Code == "merge-conflict");

    [Fact]
    public void Merge_PrsAddedAtTheEndOnBothSides_KeepsBothOnceOursFirst()
    {
        var b = List(Block("PR-001"));
        var o = List(Block("PR-001"), Block("PR-002"));
        var t = List(Block("PR-001"), Block("PR-003"));

        Assert.Equal(List(Block("PR-001"), Block("PR-002"), Block("PR-003")), Clean(b, o, t));
    }

    [Fact]
    public void Merge_PrAddedInTheMiddle_GoesAfterThePrItFollowed()
    {
        var b = List(Block("PR-001"), Block("PR-002"));
        var o = List(Block("PR-001"), Block("PR-009"), Block("PR-002"));
        var t = List(Block("PR-001"), Block("PR-002", priority: "low"), Block("PR-003"));

        Assert.Equal(List(Block("PR-001"), Block("PR-009"), Block("PR-002", priority: "low"), Block("PR-003")), Clean(b, o, t));
    }

    [Fact]
    public void Merge_SameIdAddedOnBothSidesWithDifferentContent_IsAConflictNeverTwoBlocks()
    {
        var b = List(Block("PR-001"));
        var o = List(Block("PR-001"), Block("PR-002", body: "Ours."));
        var t = List(Block("PR-001"), Block("PR-002", body: "Theirs."));

        var result = Merge(b, o, t);

        Assert.True(result.HasConflicts);
        Assert.Equal(List(Block("PR-001")) + "<<<<<<< ours\n" + Block("PR-002", body: "Ours.") + "=======\n" + Block("PR-002", body: "Theirs.") + ">>>>>>> theirs\n", Text(result));
    }

    [Fact]
    public void Merge_SameIdAddedTheSameWayOnBothSides_KeepsItOnce()
    {
        var b = List(Block("PR-001"));
        var o = List(Block("PR-001"), Block("PR-002"));

        Assert.Equal(o, Clean(b, o, o));
    }

    [Fact]
    public void Merge_DeletedOnOneSideUnchangedOnTheOther_IsDeleted()
    {
        var b = List(Block("PR-001"), Block("PR-002"), Block("PR-003"));
        var o = List(Block("PR-001"), Block("PR-003"));
        var t = List(Block("PR-001", priority: "low"), Block("PR-002"), Block("PR-003"));

        Assert.Equal(List(Block("PR-001", priority: "low"), Block("PR-003")), Clean(b, o, t));
    }

    [Fact]
    public void Merge_DeletedOnOneSideChangedOnTheOther_IsAConflictKeepingTheChangedBlock()
    {
        var b = List(Block("PR-001"), Block("PR-002"), Block("PR-003"));
        var o = List(Block("PR-001"), Block("PR-003"));
        var t = List(Block("PR-001"), Block("PR-002", priority: "low"), Block("PR-003"));

        var result = Merge(b, o, t);

        Assert.True(result.HasConflicts);
        Assert.Equal(List(Block("PR-001")) + "<<<<<<< ours\n=======\n" + Block("PR-002", priority: "low") + ">>>>>>> theirs\n" + Block("PR-003"), Text(result));
    }

    [Fact]
    public void Merge_CrlfWithByteOrderMark_KeepsBothAndWritesMarkersInCrlf()
    {
        static byte[] Crlf(string s) => [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(s.ReplaceLineEndings("\r\n"))];
        var b = Crlf(List(Block("PR-001"), Block("PR-002")));
        var o = Crlf(List(Block("PR-001", priority: "high"), Block("PR-002", priority: "high")));
        var t = Crlf(List(Block("PR-001", deps: "[PR-002]"), Block("PR-002", priority: "low")));

        var result = TaskListMerge.Prepare(b, o, t).Complete();

        var expected = Crlf(List(Block("PR-001", priority: "high", deps: "[PR-002]"))
            + "<<<<<<< ours\n" + Block("PR-002", priority: "high") + "=======\n" + Block("PR-002", priority: "low") + ">>>>>>> theirs\n");
        Assert.Equal(expected, result.Content);
    }

    [Fact]
    public void Merge_ProseEditedOnBothSidesInDifferentPlaces_MergesLikeGit()
    {
        var b = "# Tasks\n\nIntro prose.\n\n" + Block("PR-001") + "## Phase 2\n\nSome words.\n\n" + Block("PR-002") + "Closing line.\n";
        var o = "# Tasks!\n\nIntro prose.\n\n" + Block("PR-001") + "## Phase 2\n\nSome words.\n\n" + Block("PR-002") + "Closing line.\n";
        var t = "# Tasks\n\nIntro prose.\n\n" + Block("PR-001") + "## Phase 2\n\nSome other words.\n\n" + Block("PR-002") + "Closing line.\nAnd one more.\n";

        Assert.Equal("# Tasks!\n\nIntro prose.\n\n" + Block("PR-001") + "## Phase 2\n\nSome other words.\n\n" + Block("PR-002") + "Closing line.\nAnd one more.\n", Clean(b, o, t));
    }

    [Fact]
    public void Merge_SameProseLineChangedDifferently_IsAConflictOutsideThePrs()
    {
        var b = "# Tasks\n\nIntro prose.\n\n" + Block("PR-001");
        var result = Merge(b, "# Tasks\n\nOur intro.\n\n" + Block("PR-001"), "# Tasks\n\nTheir intro.\n\n" + Block("PR-001", priority: "low"));

        Assert.True(result.HasConflicts);
        Assert.Equal("# Tasks\n\n<<<<<<< ours\nOur intro.\n=======\nTheir intro.\n>>>>>>> theirs\n\n" + Block("PR-001", priority: "low"), Text(result));
        Assert.Contains(result.Notes, n => n.PrId is null && n.IsConflict);
    }

    [Fact]
    public void Merge_BothChangedTheDisplaySection_TakesOurs()
    {
        static string Display(string row) => "<!-- HOT STATE DISPLAY -->\n## Active work\n\n" + row + "\n<!-- END HOT STATE DISPLAY -->\n";
        var b = List(Block("PR-001")) + Display("| PR-001 | in-progress |");
        var o = List(Block("PR-001", priority: "low")) + Display("| PR-001 | under-review |");
        var t = List(Block("PR-001")) + Display("nothing");

        Assert.Equal(List(Block("PR-001", priority: "low")) + Display("| PR-001 | under-review |"), Clean(b, o, t));
    }

    [Fact]
    public void Merge_EveryByteNeitherSideChanged_IsKept()
    {
        var odd = "### PR-001: Odd   spacing\n\n\n---\n# a comment first\npr_id: PR-001   # trailing\ntitle: \"Odd: spacing\"\ncold_state: 'ready'\ncomplexity:\n  score: 3\n\n  rationale: x\npriority: medium\n---\nBody without blank line.\n  indented\n\n";
        var b = "\uFEFFnot a bom in text\n" + odd + Block("PR-002") + "tail without newline";
        var o = "\uFEFFnot a bom in text\n" + odd + Block("PR-002", priority: "low") + "tail without newline";
        var t = "\uFEFFnot a bom in text\n" + odd.Replace("  score: 3", "  score: 4", StringComparison.Ordinal) + Block("PR-002") + "tail without newline";

        Assert.Equal("\uFEFFnot a bom in text\n" + odd.Replace("  score: 3", "  score: 4", StringComparison.Ordinal) + Block("PR-002", priority: "low") + "tail without newline", Clean(b, o, t));
    }

    [Fact]
    public void Merge_LastLineWithoutLineBreakAndLinesAddedAfterIt_KeepsThemOnLinesOfTheirOwn()
    {
        var b = Intro + Block("PR-001") + "## Notes\n\nLast line";
        var t = Intro + Block("PR-001", priority: "low") + "## Notes\n\nLast line\nTheirs, after it.\n";

        Assert.Equal(t, Clean(b, b, t));
        Assert.Equal(
            "# Tasks!\n\nIntro prose.\n\n" + Block("PR-001", priority: "low") + "## Notes\n\nLast line\n" + Block("PR-002"),
            Clean(b, "# Tasks!\n\nIntro prose.\n\n" + Block("PR-001") + "## Notes\n\nLast line", Intro + Block("PR-001", priority: "low") + "## Notes\n\nLast line\n" + Block("PR-002")));

        // Both changed the last line (one its words, one its missing line break): a conflict, as in git.
        Assert.True(Merge(b, Intro + Block("PR-001") + "## Notes\n\nLast line!", t).HasConflicts);
    }

    [Fact]
    public void Merge_ADeletedPrFollowedByAModifyDeleteConflict_KeepsTheConflictWhereThePrWas()
    {
        var b = List(Block("PR-001"), Block("PR-002"), Block("PR-003"));
        var o = List(Block("PR-001"));
        var t = List(Block("PR-001"), Block("PR-003", priority: "low"));

        var result = Merge(b, o, t);

        Assert.True(result.HasConflicts);
        Assert.Equal(List(Block("PR-001")) + "<<<<<<< ours\n=======\n" + Block("PR-003", priority: "low") + ">>>>>>> theirs\n", Text(result));
    }

    [Fact]
    public void Prepare_AnInputThatDoesNotParse_IsRefusedForTheFallback()
    {
        var b = List(Block("PR-001"));

        var merge = TaskListMerge.Prepare(Bytes(b), Bytes(b + "### PR-002: x\n\n---\npr_id: PR-002\n"), Bytes(b));

        Assert.StartsWith("ours does not parse as a task list (line ", merge.Refusal, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => merge.Complete());
    }

    [Theory]
    [InlineData(9L, 4L, "completed")]
    [InlineData(4L, 9L, "blocked")]
    [InlineData(null, 2L, "blocked")]
    public void Merge_ColdStateChangedOnBothSides_TheHigherFenceWins(long? oursLease, long? theirsLease, string expected)
    {
        var (b, o, t) = Disputed("ready", "completed", "blocked");
        var merge = TaskListMerge.Prepare(Bytes(b), Bytes(o), Bytes(t));
        var dispute = Assert.Single(merge.Disputes);
        Assert.Equal(new ColdStateDispute("PR-002", ColdState.Ready, ColdState.Completed, ColdState.Blocked), dispute);

        var result = merge.Complete(new Dictionary<string, ColdStateEvidence>
        {
            ["PR-002"] = new(Milestone("PR-002", ColdState.Completed, oursLease), Milestone("PR-002", ColdState.Blocked, theirsLease)),
        });

        Assert.False(result.HasConflicts, string.Join("\n", result.Notes));
        Assert.Equal(List(Block("PR-001", priority: "high"), Block("PR-002", state: expected), Block("PR-003", priority: "low")), Text(result));
        Assert.Contains(result.Notes, n => n.PrId == "PR-002" && n.Message.Contains($"cold_state {expected} from", StringComparison.Ordinal));
    }

    [Fact]
    public void Merge_ColdStateDisputeWithoutUsableFences_IsAConflictNeverAGuess()
    {
        var (b, o, t) = Disputed("ready", "completed", "blocked");
        var cases = new Dictionary<string, ColdStateEvidence?>
        {
            ["no evidence"] = null,
            ["undetermined"] = ColdStateEvidence.Unknown("their commit could not be found"),
            ["no fences"] = new(Milestone("PR-002", ColdState.Completed, null), Milestone("PR-002", ColdState.Blocked, null)),
            ["equal fences"] = new(Milestone("PR-002", ColdState.Completed, 5), Milestone("PR-002", ColdState.Blocked, 5)),
            ["fence for another state"] = new(Milestone("PR-002", ColdState.Ready, 9), null),
        };

        foreach (var (name, evidence) in cases)
        {
            var map = evidence is null ? null : new Dictionary<string, ColdStateEvidence> { ["PR-002"] = evidence };
            var result = TaskListMerge.Prepare(Bytes(b), Bytes(o), Bytes(t)).Complete(map);

            Assert.True(result.HasConflicts, name);
            Assert.Contains("<<<<<<< ours\n" + Block("PR-002", state: "completed") + "=======\n" + Block("PR-002", state: "blocked") + ">>>>>>> theirs\n", Text(result), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Merge_TheHigherFencesStateCannotBeReachedFromTheAncestors_IsAConflict()
    {
        var (b, o, t) = Disputed("approved", "broken", "new");
        var result = TaskListMerge.Prepare(Bytes(b), Bytes(o), Bytes(t)).Complete(new Dictionary<string, ColdStateEvidence>
        {
            ["PR-002"] = new(Milestone("PR-002", ColdState.Broken, 3), Milestone("PR-002", ColdState.New, 8)),
        });

        Assert.True(result.HasConflicts);
        Assert.Contains(result.Notes, n => n.Message.Contains("cannot be reached from approved", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ColdState.Ready, ColdState.Completed, true)]
    [InlineData(ColdState.Ready, ColdState.Approved, true)]
    [InlineData(ColdState.New, ColdState.Planned, true)]
    [InlineData(ColdState.Approved, ColdState.Ready, true)]
    [InlineData(ColdState.Approved, ColdState.New, false)]
    public void Reachable_FollowsTheTransitionTable(ColdState from, ColdState to, bool expected) =>
        Assert.Equal(expected, ColdStateArbiter.Reachable(from, to));

    internal static string Block(string id, string state = "ready", string priority = "medium", string deps = "[]", string body = "Does a thing.") =>
        $"### {id}: Title {id}\n\n---\npr_id: {id}\ntitle: Title {id}\ncold_state: {state}\npriority: {priority}\ndependencies: {deps}\n---\n\n{body}\n\n";

    internal static string List(params string[] blocks) => Intro + string.Concat(blocks);

    private static (string B, string O, string T) Disputed(string b, string o, string t) => (
        List(Block("PR-001"), Block("PR-002", state: b), Block("PR-003")),
        List(Block("PR-001", priority: "high"), Block("PR-002", state: o), Block("PR-003")),
        List(Block("PR-001"), Block("PR-002", state: t), Block("PR-003", priority: "low")));

    private static Milestone Milestone(string pr, ColdState to, long? lease) =>
        new(new string('a', 40), pr, HotState.InProgress, to, "agent-1", lease, DateTimeOffset.UnixEpoch, MilestoneKind.Transition);

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string Text(TaskListMergeResult r) => Encoding.UTF8.GetString(r.Content);

    private static TaskListMergeResult Merge(string b, string o, string t) => TaskListMerge.Prepare(Bytes(b), Bytes(o), Bytes(t)).Complete();

    private static string Clean(string b, string o, string t)
    {
        var result = Merge(b, o, t);
        Assert.False(result.HasConflicts, string.Join("\n", result.Notes));
        return Text(result);
    }
}
