namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>Parses and validates a whole task list: blocks, fields, then the checks across PRs.</summary>
internal static class TaskListParser
{
    public sealed record Result(IReadOnlyList<PrEntry> Prs, IReadOnlyList<TaskListDiagnostic> Diagnostics, DisplayRange? Display);

    /// <summary>Below this many PR blocks one thread reads them all; above, the blocks are read in parallel chunks.</summary>
    internal const int ParallelThreshold = 1_000;

    /// <param name="text">The whole task list.</param>
    /// <param name="parallel">Read the blocks on several threads; by default when there are more than <see cref="ParallelThreshold"/>.</param>
    public static Result Parse(string text, bool? parallel = null)
    {
        var lines = new TextLines(text);
        var scan = DocumentScanner.Scan(text, lines);
        var diagnostics = scan.Diagnostics;
        var blocks = scan.Blocks;
        ConflictScan.Run(lines, blocks, diagnostics);

        // Blocks are independent: each chunk (a contiguous run) is read by its own reader into its own results, and the
        // chunks are joined in order, so the outcome is the same as one reader going through them all.
        var chunkCount = parallel ?? (blocks.Count > ParallelThreshold && Environment.ProcessorCount > 1)
            ? Math.Clamp(Environment.ProcessorCount, 2, 16)
            : 1;
        var chunks = new Chunk[Math.Min(chunkCount, Math.Max(1, blocks.Count))];
        var size = (blocks.Count + chunks.Length - 1) / chunks.Length;
        void ReadChunk(int c) => chunks[c] = Chunk.Read(text, lines, blocks, c * size, Math.Min(blocks.Count, (c + 1) * size));
        if (chunks.Length == 1)
        {
            ReadChunk(0);
        }
        else
        {
            Parallel.For(0, chunks.Length, ReadChunk);
        }

        var prs = new List<PrEntry>(blocks.Count);
        var dependencyLines = new List<int[]>(blocks.Count);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        var unusable = new HashSet<PrEntry>(ReferenceEqualityComparer.Instance);
        foreach (var chunk in chunks)
        {
            prs.AddRange(chunk.Prs);
            dependencyLines.AddRange(chunk.DependencyLines);
            unreadable.UnionWith(chunk.Unreadable);
            unusable.UnionWith(chunk.Unusable);
            diagnostics.AddRange(chunk.Diagnostics);
        }

        if (blocks.Count == 0 && diagnostics.Count == 0 && !string.IsNullOrWhiteSpace(text))
        {
            // Text, but not one PR: most likely the wrong file. An empty file is a fine start (agents add PRs to it).
            diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Warning, 1, null, "no-prs",
                "the file holds text but no PR block (a heading '### PR-001: Title' followed by a '---' YAML block with pr_id:); is this the task list? An empty file is a valid start"));
        }

        var unique = DependencyChecks.Run(prs, dependencyLines, unreadable, diagnostics);
        if (unusable.Count > 0)
        {
            unique.RemoveAll(unusable.Contains);
        }

        if (diagnostics.Count > 1)
        {
            diagnostics.Sort((a, b) => a.Line.CompareTo(b.Line));
        }

        return new Result(unique, diagnostics, scan.Display);
    }

    /// <summary>What one reader found in a run of blocks.</summary>
    private sealed class Chunk
    {
        public List<PrEntry> Prs { get; } = [];

        public List<int[]> DependencyLines { get; } = [];

        public List<string> Unreadable { get; } = [];

        public List<PrEntry> Unusable { get; } = [];

        public List<TaskListDiagnostic> Diagnostics { get; } = [];

        public static Chunk Read(string text, TextLines lines, List<RawBlock> blocks, int from, int to)
        {
            var chunk = new Chunk();
            var reader = new PrReader(text, lines, chunk.Diagnostics);
            for (var i = from; i < to; i++)
            {
                if (reader.Read(blocks[i]) is { } read)
                {
                    chunk.Prs.Add(read.Pr);
                    chunk.DependencyLines.Add(read.DependencyLines);
                    if (!read.Usable)
                    {
                        chunk.Unusable.Add(read.Pr);
                    }
                }
                else
                {
                    // Its heading still names it, so PRs depending on it are not also reported.
                    chunk.Unreadable.Add(blocks[i].HeadingId);
                }
            }

            return chunk;
        }
    }
}
