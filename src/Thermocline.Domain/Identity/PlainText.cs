namespace Thermocline.Domain.Identity;

/// <summary>
/// One line of plain text that people and agents write into the hub (a handoff note, a PR's title): no control character,
/// no line or paragraph separator, no bidirectional mark or override — nothing that could break a line of the task list
/// or a terminal, or make text read other than it is stored.
/// </summary>
public static class PlainText
{
    /// <summary>The first character <paramref name="text"/> may not hold, or null when it is plain.</summary>
    public static char? FirstForbidden(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (IsForbidden(c))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>True for a C0/C1 control, a line or paragraph separator, or a bidirectional mark or override.</summary>
    public static bool IsForbidden(char c) => char.IsControl(c)
        || c is '\u2028' or '\u2029' or '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}
