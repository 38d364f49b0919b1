namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>Parses and validates a whole task list: blocks, fields, then the checks across PRs.</summary>
internal static class TaskListParser
{
    public sealed record Result(IReadOnlyList<PrEntry> Prs, IReadOnlyList<TaskListDiagnostic> Diagnostics, DisplayRange? Display);

    public static Result Parse(string text)
    {
        var lines = new TextLines(text);
        var scan = DocumentScanner.Scan(text, lines);
        var diagnostics = scan.Diagnostics;
        var reader = new PrReader(text, lines, diagnostics);
        var prs = new List<PrEntry>(scan.Blocks.Count);
        var dependencyLines = new List<int[]>(scan.Blocks.Count);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        var unusable = new HashSet<PrEntry>(ReferenceEqualityComparer.Instance);
        foreach (var block in scan.Blocks)
        {
            if (reader.Read(block) is { } read)
            {
                prs.Add(read.Pr);
                dependencyLines.Add(read.DependencyLines);
                if (!read.Usable)
                {
                    unusable.Add(read.Pr);
                }
            }
            else
            {
                // Its heading still names it, so PRs depending on it are not also reported.
                unreadable.Add(block.HeadingId);
            }
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
}
