using Thermocline.Domain.TaskLists.Merging;

namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>
/// Finds the merge conflicts git (or <c>thermo merge-driver</c>) left in a task list: a line of seven <c>&lt;</c> through
/// a line of seven <c>&gt;</c>. Each is one error naming the PRs it is in, and what to do; the other problems the
/// markers cause (a YAML error, a duplicate id) are reported too, after it.
/// </summary>
internal static class ConflictScan
{
    public static void Run(TextLines lines, IReadOnlyList<RawBlock> blocks, List<TaskListDiagnostic> diagnostics)
    {
        var start = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var content = lines.Content(i);
            if (ConflictMarkers.IsStart(content))
            {
                if (start >= 0)
                {
                    diagnostics.Add(Unclosed(start, blocks));
                }

                start = i;
            }
            else if (ConflictMarkers.IsEnd(content))
            {
                if (start < 0)
                {
                    diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Error, i + 1, Around(i, i, blocks).FirstOrDefault(), "merge-conflict",
                        "a '>>>>>>>' merge-conflict marker with no '<<<<<<<' before it: a merge conflict was resolved only in part. Remove the line once the text around it is what it should be"));
                    continue;
                }

                var prs = Around(start, i, blocks);
                var where = prs.Count switch
                {
                    0 => "in the text outside PR blocks",
                    1 => $"in {prs[0]}",
                    _ => $"in {string.Join(", ", prs)}",
                };
                diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Error, start + 1, prs.FirstOrDefault(), "merge-conflict",
                    $"an unresolved merge conflict (lines {start + 1}-{i + 1}) {where}: a merge left both versions, ours between '<<<<<<<' and '=======', "
                    + "theirs between '=======' and '>>>>>>>'. Keep the right one (or combine them, one block per pr_id), delete the three marker lines, "
                    + "then run 'thermo validate' again and 'git add' the file to finish the merge"));
                start = -1;
            }
        }

        if (start >= 0)
        {
            diagnostics.Add(Unclosed(start, blocks));
        }
    }

    private static TaskListDiagnostic Unclosed(int start, IReadOnlyList<RawBlock> blocks) =>
        new(DiagnosticSeverity.Error, start + 1, Around(start, start, blocks).FirstOrDefault(), "merge-conflict",
            "a '<<<<<<<' merge-conflict marker with no '>>>>>>>' after it: an unresolved or half-resolved merge conflict. Keep the right version of the text, delete the marker lines, then run 'thermo validate' again");

    // The PRs whose heading is between the markers, else the PR whose unit the conflict starts in (the last heading above).
    private static List<string> Around(int first, int last, IReadOnlyList<RawBlock> blocks)
    {
        var inside = blocks.Where(b => b.HeadingLine > first && b.HeadingLine < last).Select(b => b.HeadingId).Distinct(StringComparer.Ordinal).ToList();
        if (inside.Count > 0)
        {
            return inside;
        }

        var above = blocks.LastOrDefault(b => b.HeadingLine < first);
        return above.HeadingId is { } id ? [id] : [];
    }
}
