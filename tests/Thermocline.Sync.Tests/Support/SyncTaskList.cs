using System.Text;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Sync.Tests.Support;

/// <summary>One PR of a test task list.</summary>
internal sealed record TestPr(string Id, string State, params string[] Dependencies);

/// <summary>Task lists in the real format (headings, one YAML block per PR, markdown around them).</summary>
internal static class SyncTaskList
{
    public const string Path = "docs/task-list.md";

    /// <summary>
    /// The default list: PR-001 ready; PR-002 and PR-003 blocked on PR-001; PR-004 blocked on PR-001 and PR-002;
    /// PR-005 completed; PR-006 approved (on PR-005); PR-007 planned (on PR-005). The dependency engine has nothing to
    /// do on it.
    /// </summary>
    public static readonly TestPr[] Default =
    [
        new("PR-001", "ready"),
        new("PR-002", "blocked", "PR-001"),
        new("PR-003", "blocked", "PR-001"),
        new("PR-004", "blocked", "PR-001", "PR-002"),
        new("PR-005", "completed"),
        new("PR-006", "approved", "PR-005"),
        new("PR-007", "planned", "PR-005"),
    ];

    public static string Build(params TestPr[] prs)
    {
        var sb = new StringBuilder("# Task List\n\nWork for the sync tests.\n\n---\n\n");
        foreach (var pr in prs)
        {
            sb.Append($"### {pr.Id}: Work item {pr.Id}\n\n---\npr_id: {pr.Id}\ntitle: Work item {pr.Id}\ncold_state: {pr.State}\npriority: medium\n");
            sb.Append($"dependencies: [{string.Join(", ", pr.Dependencies)}]\n---\n\n**Description:** {pr.Id} does its part.\n\n");
        }

        return sb.ToString();
    }

    /// <summary>
    /// The message of a list's first commit that makes its blocked PRs the dependency engine's, as if a hub had blocked
    /// them (only those are lifted when their dependencies are met): a <c>[Dependencies]</c> commit listing each.
    /// </summary>
    public static string BlockedByTheEngine(string text)
    {
        var blocked = TaskList.Parse(text).Prs.Where(p => p.ColdState == ColdState.Blocked).ToList();
        if (blocked.Count == 0)
        {
            return "Initial commit";
        }

        var sb = new StringBuilder($"[Dependencies] Update {blocked.Count} PRs after start-up\n\nChanges:\n");
        foreach (var pr in blocked)
        {
            sb.Append($"- {pr.Id}: new → blocked\n");
        }

        return sb.Append("\nMetadata:\n- Cause: start-up\n- Agent: thermocline-hub\n").ToString();
    }

    /// <summary>The same text with one PR's cold_state line changed.</summary>
    public static string WithState(string text, string prId, string state)
    {
        var at = text.IndexOf($"pr_id: {prId}\n", StringComparison.Ordinal);
        var line = text.IndexOf("cold_state: ", at, StringComparison.Ordinal);
        var end = text.IndexOf('\n', line);
        return string.Concat(text.AsSpan(0, line), $"cold_state: {state}", text.AsSpan(end));
    }
}
