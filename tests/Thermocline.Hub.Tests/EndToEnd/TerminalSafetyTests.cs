using System.Text.RegularExpressions;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// Titles (and git history) are written by people: through the real <c>thermo</c> binary against a real hub, nothing
/// in them reaches the terminal raw — no escape sequence, no C0/C1 control, no forged row.
/// </summary>
public sealed partial class TerminalSafetyTests
{
    // YAML double-quoted escapes put the bytes into the titles; PR-004's heading holds a raw ESC (it has no title field).
    private static readonly string HostileList = string.Concat(
        "# Task List\n\n",
        Pr("PR-001", "Colours", "title: \"\\e[31mred\\e[0m and \\e]0;owned\\a window title\"\n"),
        Pr("PR-002", "Forger", "title: \"two\\nPR-666  ready  -  forged row\\r\"\n"),
        Pr("PR-003", "Controls", "title: \"csi \\u009b2J nel \\N bell \\a nul \\0 del \\x7f ls \\L rlo \\u202e\"\n"),
        "### PR-004: Raw \u001b[2J heading\n\n---\npr_id: PR-004\ncold_state: ready\npriority: low\ndependencies: []\n---\n\n");

    [Fact]
    public async Task Status_TitlesWithControlCharacters_EscapedOneRowPerPr()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, HostileList);
        await world.StartHubAsync();

        var status = await world.ExpectAsync(0, "status");

        AssertSafe(status.Out, 4);
        Assert.Contains(@"\x1b[31mred\x1b[0m and \x1b]0;owned\x07 window title", status.Out, StringComparison.Ordinal);
        Assert.Contains(@"two\nPR-666  ready  -  forged row\r", status.Out, StringComparison.Ordinal);
        Assert.Contains(@"csi \x9b2J nel \x85 bell \x07 nul \x00 del \x7f ls \u2028 rlo \u202e", status.Out, StringComparison.Ordinal);
        Assert.Contains(@"Raw \x1b[2J heading", status.Out, StringComparison.Ordinal);

        // The one-PR form is the same table.
        AssertSafe((await world.ExpectAsync(0, "status", "PR-002")).Out, 1);
    }

    [Fact]
    public async Task Ready_TitlesWithControlCharacters_EscapedOneRowPerPr()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, HostileList);
        await world.StartHubAsync();

        var ready = await world.ExpectAsync(0, "ready");

        AssertSafe(ready.Out, 4);
        Assert.Contains(@"two\nPR-666", ready.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_ForgedMilestoneWithControlCharacters_EscapedOneRowPerMilestone()
    {
        await using var world = HubWorld.Create(Store.Embedded, null, HostileList);
        await world.StartHubAsync();
        world.Repo.WriteFile("notes.md", "a person's commit\n");
        world.Repo.CommitFiles(
            "PR-001: ready → blocked\n\nMetadata:\n- From: ready (cold)\n- To: blocked (cold)\n- Agent: \u001b]0;owned\u0007\u001b[2Jmallory\u009b\n- Timestamp: 2025-11-14T10:30:00Z\n",
            "notes.md");

        var log = await world.ExpectAsync(0, "log");

        AssertSafe(log.Out, 1);
        Assert.Contains(@"\x1b]0;owned\x07\x1b[2Jmallory\x9b", log.Out, StringComparison.Ordinal);
    }

    // Only line breaks between rows; every row starts with its PR (log rows with a commit); exactly `rows` of them.
    private static void AssertSafe(string output, int rows)
    {
        var bad = output.Where(c => c != '\n' && (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202e')).ToList();
        Assert.True(bad.Count == 0, $"raw control characters {string.Join(", ", bad.Select(c => $"U+{(int)c:X4}"))} in:\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rows, lines.Count(l => RowStart().IsMatch(l)));
        Assert.Equal(rows + 2, lines.Length); // header, rows, summary line
    }

    [GeneratedRegex(@"^(PR-\d{3}|[0-9a-f]{10})\s")]
    private static partial Regex RowStart();

    private static string Pr(string id, string heading, string title) =>
        $"### {id}: {heading}\n\n---\npr_id: {id}\n{title}cold_state: ready\npriority: high\ndependencies: []\n---\n\nWork.\n\n";
}
