namespace Thermocline.ColdStore.Tests.Support;

/// <summary>A small task list in the real format: three PRs, markdown around them, one rule.</summary>
internal static class TestTaskList
{
    public const string Text = """
        # Task List

        Free text before the first PR.

        ---

        ### PR-001: Scaffolding

        ---
        pr_id: PR-001
        title: Scaffolding
        cold_state: ready   # keep this comment
        priority: high
        dependencies: []
        ---

        **Description:** first.

        ### PR-002: Parser

        ---
        pr_id: PR-002
        title: "Parser"
        cold_state: 'blocked'
        dependencies: [PR-001]
        ---

        **Description:** second.

        ### PR-003: Store

        ---
        pr_id: PR-003
        title: Store
        cold_state: completed
        dependencies: [PR-001]
        ---

        **Description:** third.

        """;

    /// <summary>The same list with one PR's cold_state value replaced (quoting as written).</summary>
    public static string With(string text, string prId, string oldValue, string newValue)
    {
        var at = text.IndexOf($"pr_id: {prId}", StringComparison.Ordinal);
        var line = text.IndexOf("cold_state: ", at, StringComparison.Ordinal);
        var value = text.IndexOf(oldValue, line, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, value), newValue, text.AsSpan(value + oldValue.Length));
    }
}
