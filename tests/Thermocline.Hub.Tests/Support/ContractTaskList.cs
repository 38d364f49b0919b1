namespace Thermocline.Hub.Tests.Support;

/// <summary>
/// A small task list whose every state is known: PR-001 ready (high), PR-002 new waiting on PR-001 (medium; the
/// hub blocks it at start), PR-003 completed (critical), PR-004 ready (low), PR-005 approved.
/// </summary>
internal static class ContractTaskList
{
    public const string Path = "docs/task-list.md";

    public static string Text { get; } = string.Concat(
        "# Task List\n\nA list for the end-to-end tests.\n\n",
        Pr("PR-001", "Project skeleton", "ready", "high", ""),
        Pr("PR-002", "Configuration loading", "new", "medium", "PR-001"),
        Pr("PR-003", "Logging", "completed", "critical", ""),
        Pr("PR-004", "Documentation", "ready", "low", ""),
        Pr("PR-005", "Release notes", "approved", "medium", ""));

    /// <summary>The same list with PR-002 already blocked: a start-up commits nothing.</summary>
    public static string Settled { get; } = Text.Replace("cold_state: new\n", "cold_state: blocked\n", StringComparison.Ordinal);

    /// <summary>The same list with a YAML syntax error in PR-004's block (what a bad hand edit commits).</summary>
    public static string Broken { get; } = Text.Replace("title: Documentation\n", "title: [Documentation\n", StringComparison.Ordinal);

    private static string Pr(string id, string title, string state, string priority, string dependencies) =>
        $"### {id}: {title}\n\n---\npr_id: {id}\ntitle: {title}\ncold_state: {state}\npriority: {priority}\ndependencies: [{dependencies}]\n---\n\nWork on {title}.\n\n";
}
