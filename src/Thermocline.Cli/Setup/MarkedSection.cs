using System.Text;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Setup;

/// <summary>
/// Where the Thermocline section is in a file's bytes. <see cref="Start"/>..<see cref="End"/> runs from the begin
/// marker's first character to the end marker's last (<c>--&gt;</c>): what <c>thermo setup</c> owns and replaces.
/// <see cref="LineStart"/>..<see cref="LineEnd"/> widens that to the marker lines' indentation, trailing text and the
/// end line's line break: what <c>--remove</c> takes out.
/// </summary>
/// <param name="Start">Offset of the begin marker.</param>
/// <param name="End">Offset just past the end marker.</param>
/// <param name="LineStart">Offset of the begin marker's line.</param>
/// <param name="LineEnd">Offset just past the end marker's line, its line break included.</param>
internal readonly record struct MarkedSection(int Start, int End, int LineStart, int LineEnd)
{
    private static readonly byte[] BeginBytes = Encoding.UTF8.GetBytes(AgentInstructions.BeginPrefix);
    private static readonly byte[] EndBytes = Encoding.UTF8.GetBytes(AgentInstructions.EndPrefix);
    private static readonly byte[] CommentClose = "-->"u8.ToArray();

    /// <summary>
    /// Finds the one section in <paramref name="content"/>, or null when it has no markers. A marker is a line that,
    /// without its indentation, starts with <see cref="AgentInstructions.BeginPrefix"/> or
    /// <see cref="AgentInstructions.EndPrefix"/>. Anything but none or one begin followed by one end is refused (exit
    /// 65) naming <paramref name="file"/> and the line, since no edit could tell which text is whose.
    /// </summary>
    public static MarkedSection? Find(ReadOnlySpan<byte> content, string file)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw ThermoclineException.BadTaskList(
                $"{file}:1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); thermo setup edits UTF-8 files only. Save it as UTF-8, or pass another --agents-file; nothing was written.");
        }

        (int Line, int Start, int LineStart)? begin = null;
        MarkedSection? found = null;
        var foundLines = (Begin: 0, End: 0);
        var line = 0;
        for (var lineStart = 0; lineStart < content.Length;)
        {
            line++;
            var newline = content[lineStart..].IndexOf((byte)'\n');
            var lineEnd = newline < 0 ? content.Length : lineStart + newline + 1;
            // A byte-order mark is the file's, not part of a marker on the first line.
            var bom = lineStart == 0 && content.StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
            var withoutBreak = content[(lineStart + bom)..lineEnd].TrimEnd("\r\n"u8);
            var textStart = lineStart + bom + withoutBreak.Length - withoutBreak.TrimStart(" \t"u8).Length;
            var text = withoutBreak.Trim(" \t"u8);
            if (text.StartsWith(BeginBytes))
            {
                if (found is not null)
                {
                    throw Malformed(file, line, $"a second Thermocline section begins here (the first is on lines {foundLines.Begin}-{foundLines.End})");
                }

                if (begin is { } open)
                {
                    throw Malformed(file, line, $"a second {AgentInstructions.BeginMarker} marker (the first, on line {open.Line}, has no {AgentInstructions.EndMarker} yet)");
                }

                begin = (line, textStart, lineStart + bom);
            }
            else if (text.StartsWith(EndBytes))
            {
                if (begin is not { } open)
                {
                    throw Malformed(file, line, $"a {AgentInstructions.EndMarker} marker with no {AgentInstructions.BeginMarker} before it");
                }

                var close = text.IndexOf(CommentClose);
                var end = textStart + (close < 0 ? text.Length : close + CommentClose.Length);
                found = new MarkedSection(open.Start, end, open.LineStart, lineEnd);
                foundLines = (open.Line, line);
                begin = null;
            }

            lineStart = lineEnd;
        }

        return begin is { } unclosed
            ? throw Malformed(file, unclosed.Line, $"a {AgentInstructions.BeginMarker} marker with no {AgentInstructions.EndMarker} after it")
            : found;
    }

    private static ThermoclineException Malformed(string file, int line, string problem) =>
        // 65 is sysexits' EX_DATAERR, the code thermo gives input it cannot read; the kind is named for the task list.
        ThermoclineException.BadTaskList(
            $"{file}:{line}: {problem}. Fix the markers by hand (or delete them and run 'thermo setup' again); nothing was written.");
}
