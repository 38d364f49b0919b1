using System.Text;

namespace Thermocline.Cli.Setup;

/// <summary>
/// The edits <c>thermo setup</c> makes to an agents file, on its bytes and nothing else: every byte outside the
/// markers is kept as it is (encoding, byte-order mark, line endings, a missing final line break), and the section
/// takes the file's own line ending. Pure: the caller reads and writes the file.
/// </summary>
internal static class AgentsFileEdit
{
    /// <summary>The file's content after adding or refreshing the section, and what that was.</summary>
    /// <param name="Action"><see cref="SetupAction.Written"/>, <see cref="SetupAction.Updated"/> or <see cref="SetupAction.Unchanged"/>.</param>
    /// <param name="Content">The new content; null when nothing is to be written.</param>
    public readonly record struct Result(SetupAction Action, byte[]? Content);

    /// <summary>
    /// Adds the section to <paramref name="existing"/> (null: no file yet) or refreshes it in place. A file without one
    /// gets it at the end, after a blank line (and after a line break ending its last line, when it has none).
    /// </summary>
    public static Result Write(byte[]? existing, string file)
    {
        existing ??= [];
        var newline = Newline(existing);
        var section = Section(newline);
        if (MarkedSection.Find(existing, file) is { } found)
        {
            var current = existing.AsSpan(found.Start..found.End);
            return current.SequenceEqual(section)
                ? new(SetupAction.Unchanged, null)
                : new(SetupAction.Updated, [.. existing.AsSpan(..found.Start), .. section, .. existing.AsSpan(found.End..)]);
        }

        // Nothing but (at most) a byte-order mark: the section is the file, and no blank line goes before it.
        var eol = Encoding.UTF8.GetBytes(newline);
        byte[] separator = existing.Length == 0 || existing.AsSpan().SequenceEqual(Encoding.UTF8.Preamble) ? []
            : existing[^1] == '\n' ? eol
            : [.. eol, .. eol];
        return new(SetupAction.Written, [.. existing, .. separator, .. section, .. eol]);
    }

    /// <summary>Whether <paramref name="existing"/> (null: no file) has the section, word for word as it would be written.</summary>
    public static SectionStatus Check(byte[]? existing, string file)
    {
        if (existing is null || MarkedSection.Find(existing, file) is not { } found)
        {
            return SectionStatus.Missing;
        }

        return existing.AsSpan(found.Start..found.End).SequenceEqual(Section(Newline(existing)))
            ? SectionStatus.Current
            : SectionStatus.Outdated;
    }

    /// <summary>
    /// Takes the section's lines out of <paramref name="existing"/>, with the blank line before it when that is the
    /// separator <see cref="Write"/> added (a blank line before, and a blank line or the end of the file after), so a
    /// file the section was appended to gets its bytes back. <see cref="SetupAction.Absent"/> when there is none.
    /// </summary>
    public static Result Remove(byte[]? existing, string file)
    {
        if (existing is null || MarkedSection.Find(existing, file) is not { } found)
        {
            return new(SetupAction.Absent, null);
        }

        var before = existing.AsSpan(..found.LineStart);
        var after = existing.AsSpan(found.LineEnd..);
        if (after.IsEmpty || after.StartsWith("\n"u8) || after.StartsWith("\r\n"u8))
        {
            var withoutBreak = before.EndsWith("\r\n"u8) ? before[..^2] : before.EndsWith("\n"u8) ? before[..^1] : before;
            if (withoutBreak.Length < before.Length && (withoutBreak.IsEmpty || withoutBreak.EndsWith("\n"u8)))
            {
                before = withoutBreak;
            }
        }

        return new(SetupAction.Removed, [.. before, .. after]);
    }

    private static byte[] Section(string newline) => Encoding.UTF8.GetBytes(AgentInstructions.Render(newline));

    // The file's first line break decides; a file of one line takes LF.
    private static string Newline(ReadOnlySpan<byte> content)
    {
        var first = content.IndexOf((byte)'\n');
        return first > 0 && content[first - 1] == '\r' ? "\r\n" : "\n";
    }
}
