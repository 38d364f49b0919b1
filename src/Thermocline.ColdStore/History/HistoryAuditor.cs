using LibGit2Sharp;
using Thermocline.Domain.Commits;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.History;

/// <summary>Walks history for commits that break the clean-history rule (see <see cref="GitColdStore.AuditHistoryAsync"/>).</summary>
internal static class HistoryAuditor
{
    public static HistoryAudit Audit(Repository repo, string branchRef, string taskListPath, CancellationToken cancellationToken)
    {
        var violations = new List<HistoryViolation>();
        if (repo.Refs[branchRef] is not { } branch)
        {
            return new HistoryAudit(0, violations);
        }

        var examined = 0;
        foreach (var commit in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = branch, SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Time }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            examined++;
            var message = commit.Message;
            var title = MilestoneParser.Title(message);
            var kind = MilestoneParser.Classify(message);
            if (title.Contains("heartbeat", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(new HistoryViolation(commit.Sha, title, "a heartbeat was committed; heartbeats live in Redis only"));
                continue;
            }

            if (kind == CommitKind.Other)
            {
                continue;
            }

            if (kind == CommitKind.Transition && MilestoneParser.TryParseTitle(title, out _, out var from, out var to) && to.IsHot)
            {
                violations.Add(new HistoryViolation(commit.Sha, title, $"a {(from.IsHot ? "hot → hot" : "cold → hot")} transition was committed; only transitions ending in a cold state commit"));
                continue;
            }

            var parent = commit.Parents.FirstOrDefault();
            var changes = repo.Diff.Compare<TreeChanges>(parent?.Tree, commit.Tree);
            var paths = changes.Select(c => c.Path).ToList();
            if (paths.Count != 1 || paths[0] != taskListPath)
            {
                violations.Add(new HistoryViolation(commit.Sha, title, paths.Count == 0
                    ? "changes nothing"
                    : $"changes {string.Join(", ", paths.Take(5))} (a Thermocline commit changes only {taskListPath})"));
                continue;
            }

            if (kind == CommitKind.DisplaySync && parent is not null && OutsideDisplay(parent, taskListPath) != OutsideDisplay(commit, taskListPath))
            {
                violations.Add(new HistoryViolation(commit.Sha, title, "a display sync changed the task list outside the display section"));
            }
        }

        return new HistoryAudit(examined, violations);
    }

    private static string? OutsideDisplay(Commit commit, string path)
    {
        if (commit[path]?.Target is not Blob blob)
        {
            return null;
        }

        var text = blob.GetContentText();
        var start = text.IndexOf(HotStateDisplay.StartMarker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf(HotStateDisplay.EndMarker, start, StringComparison.Ordinal);
        // Trailing white space is ignored: the first sync appends the section after a blank line.
        return (start < 0 || end < 0 ? text : string.Concat(text.AsSpan(0, start), text.AsSpan(end + HotStateDisplay.EndMarker.Length))).TrimEnd();
    }
}
