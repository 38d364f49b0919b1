using CsCheck;
using Thermocline.Domain.TaskLists.Parsing;
using Thermocline.Testing;

namespace Thermocline.Domain.Tests.TaskLists;

/// <summary>The fast block reader must give exactly what the full YAML parser gives, wherever it answers.</summary>
public class BlockParserEquivalenceTests
{
    [SharedFixtureFact]
    public void FastParser_LemegetonFixture_EqualsFullYamlParseOfEveryBlock()
    {
        var text = File.ReadAllText(SharedFixtures.Fixture("lemegeton-task-list.md")!);
        var (fast, total) = CompareAllBlocks(text);
        Assert.Equal(53, total);
        Assert.Equal(52, fast); // the one block with a YAML error is left to the full parser
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void FastParser_GeneratedLists_EqualsFullYamlParseOfEveryBlock(bool varied, bool crlf)
    {
        var text = TaskListGenerator.Generate(200, seed: 3, new TaskListStyle { Varied = varied, Crlf = crlf });
        var (fast, total) = CompareAllBlocks(text);
        Assert.Equal(200, total);
        Assert.Equal(200, fast);
    }

    [Fact]
    public void FastParser_RandomlyMutatedBlocks_NeverDisagreesWithFullParse()
    {
        // Random edits to a valid block: the fast reader may give up, but when it answers it must agree.
        var baseBlock = "pr_id: PR-001\ntitle: A title\ncold_state: ready\npriority: high\ncomplexity:\n  score: 3\n  rationale: words\ndependencies: [PR-002, PR-003]\nestimated_files:\n  - path: a/b.cs\n    action: create\n";
        var alphabet = " :#-'\"[],{}&*!|>\n\tabc12_.\r%@`?~";
        Gen.Select(Gen.Int[0, baseBlock.Length], Gen.Int[0, 3], Gen.Char[alphabet].Array[0, 4]).Sample((at, remove, insert) =>
        {
            var cut = Math.Min(remove, baseBlock.Length - at);
            var block = string.Concat(baseBlock.AsSpan(0, at), new string(insert), baseBlock.AsSpan(at + cut));
            var text = "### PR-001: T\n---\n" + block + (block.EndsWith('\n') ? "" : "\n") + "---\n";
            CompareAllBlocks(text);
        }, iter: 20000);
    }

    private static (int Fast, int Total) CompareAllBlocks(string text)
    {
        var lines = new TextLines(text);
        var scan = DocumentScanner.Scan(text, lines);
        var fastCount = 0;
        foreach (var block in scan.Blocks)
        {
            var fast = FastBlockParser.TryParse(text, lines, block.OpenLine + 1, block.CloseLine);
            if (fast is null)
            {
                continue;
            }

            fastCount++;
            var full = EventBlockParser.Parse(text, lines.Start(block.OpenLine + 1), lines.Start(block.CloseLine), block.OpenLine + 2);
            Assert.True(full.Error is null, $"fast parser accepted a block the full parser rejects at line {full.ErrorLine}: {full.Error}\n{text}");
            AssertSame(fast, full.Root!, $"block at line {block.OpenLine + 1}");
        }

        return (fastCount, scan.Blocks.Count);
    }

    private static void AssertSame(YamlNode fast, YamlNode full, string where)
    {
        Assert.True(fast.GetType() == full.GetType(), $"{where}: {fast.GetType().Name} vs {full.GetType().Name}");
        switch (fast)
        {
            case YamlScalar a:
                var b = (YamlScalar)full;
                Assert.True(
                    (a.Value, a.Style, a.Start, a.End, a.Line) == (b.Value, b.Style, b.Start, b.End, b.Line),
                    $"{where}: fast ({a.Value}, {a.Style}, {a.Start}-{a.End}, line {a.Line}) vs full ({b.Value}, {b.Style}, {b.Start}-{b.End}, line {b.Line})");
                break;
            case YamlSequence s:
                var t = (YamlSequence)full;
                Assert.Equal(t.Items.Count, s.Items.Count);
                for (var i = 0; i < s.Items.Count; i++)
                {
                    AssertSame(s.Items[i], t.Items[i], $"{where}[{i}]");
                }

                break;
            case YamlMapping m:
                var n = (YamlMapping)full;
                Assert.Equal(n.Entries.Count, m.Entries.Count);
                Assert.Equal(n.Duplicates?.Count ?? 0, m.Duplicates?.Count ?? 0);
                for (var i = 0; i < m.Entries.Count; i++)
                {
                    AssertSame(m.Entries[i].Key, n.Entries[i].Key, $"{where}.key{i}");
                    AssertSame(m.Entries[i].Value, n.Entries[i].Value, $"{where}.{m.Entries[i].Key.Value}");
                }

                break;
        }
    }
}
