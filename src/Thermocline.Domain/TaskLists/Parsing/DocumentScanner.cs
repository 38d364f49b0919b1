using System.Text.RegularExpressions;

namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>
/// Finds the PR blocks and the display section of a task list. A <c>---</c> line opens a block only right
/// after a <c>### PR-xxx</c> heading (blank lines between allowed); every other <c>---</c> is a markdown rule.
/// Fenced code and the display section are never searched for PRs.
/// </summary>
internal static partial class DocumentScanner
{
    public sealed record Result(List<RawBlock> Blocks, DisplayRange? Display, List<TaskListDiagnostic> Diagnostics);

    public static Result Scan(string text, TextLines lines)
    {
        var blocks = new List<RawBlock>();
        var diagnostics = new List<TaskListDiagnostic>();
        DisplayRange? display = null;
        var displayStartLine = -1;
        string? fence = null;

        for (var i = 0; i < lines.Count; i++)
        {
            var content = lines.Content(i);
            var trimmed = content.Trim();
            if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal))
                {
                    fence = null;
                }

                continue;
            }

            if (displayStartLine >= 0)
            {
                if (trimmed.SequenceEqual(HotStateDisplay.EndMarker))
                {
                    display ??= new DisplayRange(lines.Start(displayStartLine), lines.Start(displayStartLine + 1), lines.Start(i), displayStartLine + 1, i + 1);
                    displayStartLine = -1;
                }
                else if (trimmed.SequenceEqual(HotStateDisplay.StartMarker))
                {
                    diagnostics.Add(Error(i, "display-markers", $"a second {HotStateDisplay.StartMarker} before the section opened at line {displayStartLine + 1} was closed"));
                }

                continue;
            }

            if (trimmed.SequenceEqual(HotStateDisplay.StartMarker))
            {
                if (display is not null)
                {
                    diagnostics.Add(Error(i, "display-markers", $"a second hot-state display section; the first is at line {display.StartLine}. Delete one of them"));
                }

                displayStartLine = i;
                continue;
            }

            if (trimmed.SequenceEqual(HotStateDisplay.EndMarker))
            {
                diagnostics.Add(Error(i, "display-markers", $"{HotStateDisplay.EndMarker} without a {HotStateDisplay.StartMarker} before it"));
                continue;
            }

            if (content.Length - content.TrimStart(' ').Length < 4 && (trimmed.StartsWith("```") || trimmed.StartsWith("~~~")))
            {
                fence = trimmed.StartsWith("```") ? "```" : "~~~";
                continue;
            }

            if (!content.StartsWith("###"))
            {
                continue;
            }

            var heading = PrHeading().Match(content.ToString());
            if (!heading.Success)
            {
                continue;
            }

            var open = i + 1;
            while (open < lines.Count && lines.Content(open).Trim().IsEmpty)
            {
                open++;
            }

            var id = heading.Groups["id"].Value;
            if (open >= lines.Count || !lines.IsDelimiter(open))
            {
                diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Warning, i + 1, id, "no-block",
                    "this PR heading has no YAML block ('---' on the next non-blank line), so it is not read as a PR"));
                continue;
            }

            var close = open + 1;
            while (close < lines.Count && !lines.IsDelimiter(close))
            {
                close++;
            }

            if (close >= lines.Count)
            {
                diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Error, open + 1, id, "unclosed-block",
                    "the PR block opened here has no closing '---' line"));
                break;
            }

            blocks.Add(new RawBlock(i, id, heading.Groups["title"].Value.Trim(), open, close));
            i = close;
        }

        if (fence is null && displayStartLine >= 0)
        {
            diagnostics.Add(Error(displayStartLine, "display-markers", $"{HotStateDisplay.StartMarker} without an {HotStateDisplay.EndMarker} after it"));
        }

        return new Result(blocks, display, diagnostics);
    }

    private static TaskListDiagnostic Error(int line, string code, string message) =>
        new(DiagnosticSeverity.Error, line + 1, null, code, message);

    /// <summary>A PR heading: <c>### PR-xxx: Title</c> (the colon and the title optional).</summary>
    [GeneratedRegex(@"^###[ \t]+(?<id>PR-[^\s:]+)[ \t]*:?(?<title>.*)$")]
    internal static partial Regex PrHeading();
}
