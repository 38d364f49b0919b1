using System.Globalization;
using System.Text;

namespace Thermocline.Domain.Commits;

/// <summary>Makes untrusted free text safe for one line of a commit message.</summary>
public static class CommitText
{
    /// <summary>
    /// One line: control characters (line breaks included), Unicode line/paragraph separators and invisible
    /// format characters (bidi overrides, zero-width) become spaces, runs of white space collapse, the result
    /// is trimmed and capped at <paramref name="maxLength"/> characters (an ellipsis marks the cut).
    /// Returns null when nothing printable is left.
    /// </summary>
    public static string? SingleLine(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var sb = new StringBuilder(Math.Min(text.Length, maxLength + 1));
        var pendingSpace = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var blank = Rune.IsControl(rune) || Rune.IsWhiteSpace(rune)
                || category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format
                || rune.Value == 0xFFFD;
            if (blank)
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            if (sb.Length + rune.Utf16SequenceLength > maxLength)
            {
                return sb.ToString().TrimEnd() + "…";
            }

            sb.Append(rune.ToString());
        }

        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>The timestamp format of commit messages: ISO-8601, UTC, whole seconds, <c>Z</c>.</summary>
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Drops the sub-second part: git stores whole seconds, and messages show them.</summary>
    public static DateTimeOffset WholeSeconds(DateTimeOffset t) =>
        new DateTimeOffset(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
