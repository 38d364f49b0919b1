using System.Text;
using CsCheck;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;

namespace Thermocline.Domain.Tests.TaskLists;

public class ColdStateEditTests
{
    private const string Block = "# Tasks\n\n### PR-001: One\n\n---\npr_id: PR-001\ntitle: One\ncold_state: ready # set by the hub\npriority: high\ndependencies: []\n---\n\nText.\n";

    [Fact]
    public void WithColdState_PlainValue_ChangesOnlyTheValue()
    {
        var edited = TaskList.Parse(Block).WithColdState("PR-001", ColdState.Blocked);
        Assert.Equal(Block.Replace("cold_state: ready #", "cold_state: blocked #", StringComparison.Ordinal), edited.Text);
        Assert.Equal(ColdState.Blocked, edited.Find("PR-001")!.ColdState);
    }

    [Theory]
    [InlineData("'ready'", "'blocked'")]
    [InlineData("\"ready\"", "\"blocked\"")]
    public void WithColdState_QuotedValue_KeepsTheQuoting(string before, string after)
    {
        var text = Block.Replace("ready", before, StringComparison.Ordinal);
        var edited = TaskList.Parse(text).WithColdState("PR-001", ColdState.Blocked);
        Assert.Equal(text.Replace(before, after, StringComparison.Ordinal), edited.Text);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void WithColdState_NoColdStateLine_AddsOneLineAfterTheTitle(string newline)
    {
        var text = Block.Replace("cold_state: ready # set by the hub\n", "", StringComparison.Ordinal).Replace("\n", newline, StringComparison.Ordinal);
        var list = TaskList.Parse(text);
        Assert.Equal(ColdState.New, list.Find("PR-001")!.ColdState);

        var edited = list.WithColdState("PR-001", ColdState.Ready);

        var expected = text.Replace($"title: One{newline}", $"title: One{newline}cold_state: ready{newline}", StringComparison.Ordinal);
        Assert.Equal(expected, edited.Text);
        AssertSameAsReparse(edited);
    }

    [Fact]
    public void WithColdState_IndentedBlockWithoutColdState_AddsLineAtTheKeysIndentation()
    {
        var text = "### PR-001: One\n---\n  pr_id: PR-001\n  title: One\n  priority: low\n---\n";
        var edited = TaskList.Parse(text).WithColdState("PR-001", ColdState.Ready);
        Assert.Equal("### PR-001: One\n---\n  pr_id: PR-001\n  title: One\n  cold_state: ready\n  priority: low\n---\n", edited.Text);
    }

    [Fact]
    public void WithColdState_ListWithErrors_RefusesAndNamesTheProblem()
    {
        var list = TaskList.Parse(Block + "\n### PR-002: Two\n---\npr_id: PR-002\ndependencies: [PR-404]\n---\n");
        var ex = Assert.Throws<ThermoclineException>(() => list.WithColdState("PR-001", ColdState.Blocked));
        Assert.Equal(ErrorKind.BadTaskList, ex.Kind);
        Assert.Contains("PR-404", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithColdState_UnknownPr_ThrowsNotFound()
    {
        var ex = Assert.Throws<ThermoclineException>(() => TaskList.Parse(Block).WithColdState("PR-999", ColdState.Ready));
        Assert.Equal(ErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public void WithColdState_RandomEditsOnGeneratedLists_ChangeOnlyTheEditedColdStateLines()
    {
        var gen = Gen.Select(
            Gen.Int[1, 60],
            Gen.Int[0, 1000],
            Gen.Bool,
            Gen.Bool,
            Gen.Bool,
            Gen.Select(Gen.Int[1, 60], Gen.Enum<ColdState>()).Array[1, 8]);
        gen.Sample((count, seed, crlf, bom, finalNewline, edits) =>
        {
            var text = TaskListGenerator.Generate(count, seed, new TaskListStyle { Varied = true, Crlf = crlf, FinalNewline = finalNewline, DisplaySection = seed % 3 == 0 });
            var bytes = Encoding.UTF8.GetBytes(text);
            if (bom)
            {
                bytes = [.. Encoding.UTF8.Preamble, .. bytes];
            }

            var original = TaskList.Parse(bytes);
            Assert.False(original.HasErrors, string.Join("\n", original.Diagnostics.Select(d => d.Format("gen"))));
            Assert.Equal(bytes, original.ToBytes());

            var list = original;
            var expected = original.Prs.ToDictionary(p => p.Id, p => p.ColdState);
            foreach (var (n, state) in edits)
            {
                var id = TaskListGenerator.Id(Math.Min(n, count));
                list = list.WithColdState(id, state);
                expected[id] = state;
            }

            // Every PR has the state last set, and the model equals a fresh parse of the new text.
            Assert.All(list.Prs, p => Assert.Equal(expected[p.Id], p.ColdState));
            AssertSameAsReparse(list);

            // Outside the cold_state lines of edited PRs, every line is unchanged.
            var edited = edits.Select(e => TaskListGenerator.Id(Math.Min(e.Item1, count))).ToHashSet();
            var before = RemoveColdStateLines(original, edited);
            var after = RemoveColdStateLines(list, edited);
            Assert.Equal(before, after);
            Assert.Equal(bom, list.ToBytes().AsSpan().StartsWith(Encoding.UTF8.Preamble));
        }, iter: 300);
    }

    [Fact]
    public void WithColdStates_RandomBatchesOnGeneratedLists_EqualTheEditsAppliedOneByOne()
    {
        var gen = Gen.Select(Gen.Int[1, 120], Gen.Int[0, 1000], Gen.Bool, Gen.Bool, Gen.Select(Gen.Int[1, 120], Gen.Enum<ColdState>()).Array[0, 60]);
        gen.Sample((count, seed, crlf, bom, picks) =>
        {
            var text = TaskListGenerator.Generate(count, seed, new TaskListStyle { Varied = true, Crlf = crlf, DisplaySection = seed % 2 == 0 });
            var original = TaskList.Parse(bom ? [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text));
            var changes = picks.Select(p => (PrId: TaskListGenerator.Id(Math.Min(p.Item1, count)), State: p.Item2)).DistinctBy(c => c.PrId).ToList();

            var batch = original.WithColdStates(changes);
            var oneByOne = changes.Aggregate(original, (list, c) => list.WithColdState(c.PrId, c.State));

            Assert.Equal(oneByOne.ToBytes(), batch.ToBytes());
            Assert.Equal(oneByOne.Prs, batch.Prs);
            Assert.Equal(oneByOne.Diagnostics, batch.Diagnostics);
            AssertSameAsReparse(batch);
        }, iter: 300);
    }

    [Fact]
    public void WithColdState_LongSequencesReadBeforeTheTextIsMade_FindAndBytesAgreeWithAFreshParse()
    {
        // Single edits pile up as edits of the list they started from until there are more than MaxPendingEdits; Find
        // and ToBytes answer from those edits without making the text. Both must agree with a parse of the bytes.
        var gen = Gen.Select(Gen.Int[1, 80], Gen.Int[0, 1000], Gen.Bool, Gen.Select(Gen.Int[1, 80], Gen.Enum<ColdState>()).Array[0, 3 * TaskList.MaxPendingEdits]);
        gen.Sample((count, seed, crlf, picks) =>
        {
            var text = TaskListGenerator.Generate(count, seed, new TaskListStyle { Varied = true, Crlf = crlf, DisplaySection = seed % 2 == 0 });
            var list = TaskList.Parse(Encoding.UTF8.GetBytes(text));
            foreach (var (n, state) in picks)
            {
                list = list.WithColdState(TaskListGenerator.Id(Math.Min(n, count)), state);
            }

            var found = Enumerable.Range(1, count).Select(n => list.Find(TaskListGenerator.Id(n))!).ToList();
            var bytes = list.ToBytes();
            var fresh = TaskList.Parse(bytes);

            Assert.Equal(fresh.Prs.Select(Key), found.Select(Key));
            Assert.Equal(found, list.Prs);
            Assert.Equal(bytes, Encoding.UTF8.GetBytes(list.Text));
            Assert.Equal(fresh.Diagnostics, list.Diagnostics);
        }, iter: 300);
    }

    [Fact]
    public void WithColdState_SetBackToItsFirstValue_GivesTheOriginalBytes()
    {
        var text = TaskListGenerator.Generate(50, seed: 3, new TaskListStyle { Varied = true, DisplaySection = true });
        var original = TaskList.Parse(Encoding.UTF8.GetBytes(text));
        var withLine = original.Prs.First(p => p.Location.HasColdState);
        var other = withLine.ColdState == ColdState.Blocked ? ColdState.Ready : ColdState.Blocked;

        var back = original.WithColdState(withLine.Id, other).WithColdState(withLine.Id, withLine.ColdState);

        Assert.Equal(original.ToBytes(), back.ToBytes());
        Assert.Equal(original.Prs.Select(Key), back.Prs.Select(Key));
    }

    [Fact]
    public void WithColdStates_ThousandsOfChangesOnACrlfListWithBomAndComments_EqualTheEditsAppliedOneByOne()
    {
        var text = TaskListGenerator.Generate(4_000, seed: 7, new TaskListStyle { Varied = true, Crlf = true, DisplaySection = true });
        var original = TaskList.Parse([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)]);
        Assert.False(original.HasErrors);
        Assert.Contains(original.Prs, p => !p.Location.HasColdState);
        var random = new Random(7);
        var changes = original.Prs.Where(_ => random.Next(4) != 0).Select(p => (p.Id, (ColdState)random.Next(7))).ToList();
        Assert.True(changes.Count > 2_500);

        var batch = original.WithColdStates(changes);
        var oneByOne = changes.Aggregate(original, (list, c) => list.WithColdState(c.Id, c.Item2));

        Assert.Equal(oneByOne.ToBytes(), batch.ToBytes());
        AssertSameAsReparse(batch);
    }

    [Fact]
    public void WithColdStates_AnUnknownOrRepeatedPr_RefusesTheWholeEdit()
    {
        var list = TaskList.Parse(Block + "\n### PR-002: Two\n---\npr_id: PR-002\ntitle: Two\n---\n");

        var unknown = Assert.Throws<ThermoclineException>(() => list.WithColdStates([("PR-001", ColdState.Blocked), ("PR-404", ColdState.Ready)]));
        var twice = Assert.Throws<ArgumentException>(() => list.WithColdStates([("PR-002", ColdState.Ready), ("PR-002", ColdState.Blocked)]));

        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
        Assert.Contains("PR-002", twice.Message, StringComparison.Ordinal);
        Assert.Same(list, list.WithColdStates([("PR-001", ColdState.Ready)]));
    }

    private static string RemoveColdStateLines(TaskList list, HashSet<string> ids)
    {
        var text = list.Text;
        foreach (var pr in list.Prs.Where(p => ids.Contains(p.Id) && p.Location.HasColdState).OrderByDescending(p => p.Location.ColdStateStart))
        {
            var lineStart = text.LastIndexOf('\n', pr.Location.ColdStateStart) + 1;
            var lineEnd = text.IndexOf('\n', pr.Location.ColdStateStart) + 1;
            text = text.Remove(lineStart, lineEnd - lineStart);
        }

        return text;
    }

    private static (string Id, ColdState State, PrLocation Location) Key(PrEntry pr) => (pr.Id, pr.ColdState, pr.Location);

    private static void AssertSameAsReparse(TaskList list)
    {
        var fresh = TaskList.Parse(list.Text, list.HasBom);
        Assert.Equal(fresh.Prs.Count, list.Prs.Count);
        for (var i = 0; i < fresh.Prs.Count; i++)
        {
            Assert.Equal(fresh.Prs[i].Id, list.Prs[i].Id);
            Assert.Equal(fresh.Prs[i].ColdState, list.Prs[i].ColdState);
            Assert.Equal(fresh.Prs[i].Location, list.Prs[i].Location);
        }

        Assert.Equal(fresh.Diagnostics, list.Diagnostics);
        Assert.Equal(fresh.HotStateDisplayBody, list.HotStateDisplayBody);
        Assert.Equal(fresh.Display, list.Display);
    }
}
