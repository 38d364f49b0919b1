using System.Diagnostics;
using System.Text;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;
using YamlDotNet.RepresentationModel;

namespace Thermocline.Benchmarks;

/// <summary>
/// Parse + validate of generated task lists (fixture format) and one cold-state edit, against two baselines
/// from the same run: decoding the bytes and splitting lines (the floor), and a YamlDotNet parse of every
/// block (what a straightforward implementation does).
/// </summary>
internal sealed class TaskListBenchmark : IBenchmark
{
    public string Name => "tasklist";

    public string Description => "parse + validate 100/1,000/10,000-PR task lists; one cold-state edit, and a tenth of the PRs at once vs one by one (targets: 1k < 15 ms, 10k < 150 ms, edit < 1 ms)";

    public Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        Console.WriteLine($"{"PRs",7} {"KiB",6} {"parse+validate",15} {"decode+split",13} {"ratio",7} {"YamlDotNet",11} {"ratio",7} {"edit",10} {"edit+bytes",11} {"bytes",9} {"N/10 at once",13} {"one by one",11}");
        foreach (var count in new[] { 100, 1_000, 10_000 })
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = Encoding.UTF8.GetBytes(TaskListGenerator.Generate(count, seed: 42));
            var runs = count >= 10_000 ? 15 : 40;

            var list = TaskList.Parse(bytes);
            if (list.HasErrors || list.Prs.Count != count)
            {
                throw new InvalidOperationException($"generated list did not parse cleanly: {list.Prs.Count} PRs, {list.Diagnostics.Count} diagnostics");
            }

            var parse = Measure(runs, () => TaskList.Parse(bytes));
            var floor = Measure(runs, () => Encoding.UTF8.GetString(bytes).Split('\n').Length);
            var yaml = Measure(Math.Min(runs, 10), () => YamlDotNetEveryBlock(bytes));
            var i = 0;
            var edit = Measure(runs * 5, () => list.WithColdState(TaskListGenerator.Id((i++ % count) + 1), (ColdState)(i % 7)));
            // What a commit needs: the edit and the file's bytes (an edited list writes them from its pieces), next to the
            // bytes of the unedited list.
            var editBytes = Measure(runs, () => list.WithColdState(TaskListGenerator.Id((i++ % count) + 1), (ColdState)(i % 7)).ToBytes().Length);
            var plainBytes = Measure(runs, () => list.ToBytes().Length);
            var tenth = list.Prs.Where((_, n) => n % 10 == 0).Select(p => (p.Id, p.ColdState == ColdState.Ready ? ColdState.Blocked : ColdState.Ready)).ToList();
            var batch = Measure(runs, () => list.WithColdStates(tenth));
            var oneByOne = Measure(3, () => tenth.Aggregate(list, (l, c) => l.WithColdState(c.Id, c.Item2)));

            Console.WriteLine(
                $"{count,7:N0} {bytes.Length / 1024,6:N0} {Stats.Ms(parse.Median),15} {Stats.Ms(floor.Median),13} {Stats.Ratio(parse.Median, floor.Median),7} " +
                $"{Stats.Ms(yaml.Median),11} {Stats.Ratio(parse.Median, yaml.Median),7} {Stats.Ms(edit.Median),10} {Stats.Ms(editBytes.Median),11} {Stats.Ms(plainBytes.Median),9} {Stats.Ms(batch.Median),13} {Stats.Ms(oneByOne.Median),11}");
        }

        Console.WriteLine("medians; ratio = ours / baseline (lower is better). parse+validate includes UTF-8 decoding, every block, every check.");
        Console.WriteLine("edit = one cold-state edit (kept as an edit of the list); edit+bytes = that and the file's bytes, as a commit needs them; bytes = the unedited list's.");
        return Task.CompletedTask;
    }

    private static Stats Measure(int runs, Func<object> action)
    {
        // Warm up for a while so tiered compilation has produced optimized code, as in a long-running hub.
        var warm = Stopwatch.StartNew();
        for (var w = 0; w < 3 || warm.ElapsedMilliseconds < 1500; w++)
        {
            action();
        }

        var samples = new List<double>(runs);
        for (var r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            GC.KeepAlive(action());
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }

        return new Stats(samples);
    }

    // The straightforward way: split on '---' after PR headings, load each block with YamlDotNet.
    private static int YamlDotNetEveryBlock(byte[] bytes)
    {
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        var nodes = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("### PR-", StringComparison.Ordinal) || i + 2 >= lines.Length || lines[i + 2] != "---")
            {
                continue;
            }

            var end = Array.IndexOf(lines, "---", i + 3);
            var stream = new YamlStream();
            stream.Load(new StringReader(string.Join('\n', lines[(i + 3)..end])));
            nodes += ((YamlMappingNode)stream.Documents[0].RootNode).Children.Count;
            i = end;
        }

        return nodes;
    }
}
