namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>Checks across PRs: duplicate ids, unknown dependencies, dependency cycles (each named).</summary>
internal static class DependencyChecks
{
    /// <summary>Reports problems and returns the PRs with duplicates (second and later) removed.</summary>
    public static List<PrEntry> Run(List<PrEntry> prs, List<int[]> dependencyLines, HashSet<string> unreadable, List<TaskListDiagnostic> diagnostics)
    {
        var byId = new Dictionary<string, int>(prs.Count, StringComparer.Ordinal);
        var unique = new List<PrEntry>(prs.Count);
        var uniqueLines = new List<int[]>(prs.Count);
        for (var i = 0; i < prs.Count; i++)
        {
            var pr = prs[i];
            if (byId.TryGetValue(pr.Id, out var first))
            {
                diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Error, pr.Location.PrIdLine, pr.Id, "duplicate-pr-id",
                    $"duplicate pr_id {pr.Id}; it is first defined at line {unique[first].Location.PrIdLine}. Give each PR its own id"));
                continue;
            }

            byId[pr.Id] = unique.Count;
            unique.Add(pr);
            uniqueLines.Add(dependencyLines[i]);
        }

        // Edges to known PRs only, as indices; unknown ones are reported here.
        var edges = new int[unique.Count][];
        for (var i = 0; i < unique.Count; i++)
        {
            var deps = unique[i].Dependencies;
            var targets = new List<int>(deps.Count);
            for (var d = 0; d < deps.Count; d++)
            {
                if (byId.TryGetValue(deps[d], out var target))
                {
                    targets.Add(target);
                }
                else if (!unreadable.Contains(deps[d]))
                {
                    diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Error, uniqueLines[i][d], unique[i].Id, "unknown-dependency",
                        $"depends on {deps[d]}, which is not in the task list"));
                }
            }

            edges[i] = targets.ToArray();
        }

        foreach (var cycle in Dependencies.DependencyCycles.Find(edges))
        {
            var names = cycle.Select(i => unique[i].Id).Append(unique[cycle[0]].Id);
            var at = unique[cycle[0]];
            diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Error, at.Location.PrIdLine, at.Id, "dependency-cycle",
                $"dependency cycle: {string.Join(" → ", names)}; no PR in it can ever become ready. Remove one of these dependencies"));
        }

        return unique;
    }
}
