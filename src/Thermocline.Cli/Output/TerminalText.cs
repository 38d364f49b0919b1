using System.Globalization;
using System.Text;

namespace Thermocline.Cli.Output;

/// <summary>
/// Text from the task list, git or the hub made safe for a terminal. A title is whatever a person (or an agent) wrote:
/// ESC and CSI start escape sequences that recolour, move the cursor or clear the screen, OSC sequences ending in BEL
/// set the window title or write the clipboard, and a newline forges a row of its own. Every control character
/// (C0, DEL, C1), the Unicode line and paragraph separators and the bidirectional overrides are shown as escapes
/// instead (<c>\x1b</c>, <c>\n</c>, <c>\u2028</c>), so the text reads as what it is and never acts.
/// </summary>
internal static class TerminalText
{
    /// <summary>One line: every character that could act on a terminal, newlines included, escaped.</summary>
    public static string Escape(string text) => Escape(text, keepNewlines: false);

    /// <summary>A message of several lines (an error the hub explains): like <see cref="Escape(string)"/>, but <c>\n</c> stays a line break.</summary>
    public static string EscapeKeepingLines(string text) => Escape(text, keepNewlines: true);

    private static string Escape(string text, bool keepNewlines)
    {
        var first = text.AsSpan().IndexOfAnyExcept(Safe);
        if (first < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (!Acts(c) || (keepNewlines && c == '\n'))
            {
                sb.Append(c);
                continue;
            }

            sb.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                < '\u0100' => string.Create(CultureInfo.InvariantCulture, $@"\x{(int)c:x2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $@"\u{(int)c:x4}"),
            });
        }

        return sb.ToString();
    }

    // Controls, line and paragraph separators, bidi marks and overrides: what the hub also refuses in text it is given.
    private static bool Acts(char c) => Domain.Identity.PlainText.IsForbidden(c);

    // Printable ASCII: nearly every cell is only this, and is returned as it is.
    private static readonly System.Buffers.SearchValues<char> Safe =
        System.Buffers.SearchValues.Create(Enumerable.Range(0x20, 0x7f - 0x20).Select(i => (char)i).ToArray());
}
