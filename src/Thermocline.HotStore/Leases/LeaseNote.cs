using System.Globalization;
using Thermocline.Domain.Errors;

namespace Thermocline.HotStore.Leases;

/// <summary>
/// A short progress note an agent leaves under its lease (<c>heartbeat --note</c>): kept in Redis only, beyond the lease
/// (see <see cref="Keep"/>), so whoever claims the PR after the lease lapsed or was released reads where the work stood.
/// </summary>
/// <param name="Fence">The fence of the lease it was left under.</param>
/// <param name="Agent">Who left it.</param>
/// <param name="At">When.</param>
/// <param name="Text">The note: one line, at most <see cref="MaxLength"/> characters.</param>
public sealed record LeaseNote(long Fence, string Agent, DateTimeOffset At, string Text)
{
    /// <summary>The longest note, in characters.</summary>
    public const int MaxLength = 500;

    /// <summary>How long a note is kept after it was left.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromDays(7);

    /// <summary>Refuses (usage) an empty or too long note, or one with a control, line-breaking or bidirectional character.</summary>
    public static void Validate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ThermoclineException.Usage("the note is empty; say where the work stands, e.g. --note \"parser done, tests next\".");
        }

        if (text.Length > MaxLength)
        {
            throw ThermoclineException.Usage($"the note is {text.Length} characters; at most {MaxLength} are kept. Put the details in the PR's description or a commit.");
        }

        if (Domain.Identity.PlainText.FirstForbidden(text) is { } bad)
        {
            throw ThermoclineException.Usage($"the note holds the character U+{(int)bad:X4} (a control, line break or direction mark); a note is one line of plain text.");
        }
    }

    /// <summary>The stored form: fence, agent, Unix ms and text, one per line (a note holds no line break).</summary>
    internal string Format() => string.Create(CultureInfo.InvariantCulture, $"{Fence}\n{Agent}\n{At.ToUnixTimeMilliseconds()}\n{Text}");

    /// <summary>The note in <paramref name="stored"/>, or null when it is not one.</summary>
    internal static LeaseNote? Parse(string? stored)
    {
        var parts = stored?.Split('\n', 4);
        return parts is { Length: 4 }
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var fence)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? new LeaseNote(fence, parts[1], DateTimeOffset.FromUnixTimeMilliseconds(ms), parts[3])
            : null;
    }
}
