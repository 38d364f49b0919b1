using System.Text;

namespace Thermocline.Domain.Commits;

/// <summary>
/// Sets git trailers in a commit message as a <c>prepare-commit-msg</c> hook sees it (with git's comment lines, and
/// perhaps a scissors line under which <c>git commit -v</c> puts the diff). Written here rather than with
/// <c>git interpret-trailers</c>: that one replaces only one of several same-key trailers (an amended message could keep
/// two leases) and joins a trailer to a last line without a line break. The rules follow git's own parser (trailer.c):
/// the trailer block is the last paragraph of the message, not its first (the subject), whose lines are all
/// <c>Key: value</c> trailers (or their indented continuation lines); comment lines are ignored; anything after the
/// message's end — trailing comments, the scissors line and the diff — stays byte for byte.
/// </summary>
public static class CommitTrailers
{
    /// <summary>
    /// <paramref name="message"/> with every trailer of the keys in <paramref name="trailers"/> taken out of its trailer
    /// block and <paramref name="trailers"/> (<c>Key: value</c>, in that order) put at the end of the block — a new block,
    /// after a blank line, when it has none. Line endings are the message's (git writes LF).
    /// </summary>
    /// <param name="message">The message file's text.</param>
    /// <param name="trailers">The trailers to set, each <c>Key: value</c>.</param>
    /// <param name="commentChar">git's <c>core.commentChar</c>: lines starting with it are comments.</param>
    public static string Set(string message, IReadOnlyList<string> trailers, char commentChar = '#')
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(trailers);
        var keys = trailers.Select(t => Key(t) ?? throw new ArgumentException($"'{t}' is not a trailer 'Key: value'.", nameof(trailers))).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var lines = Lines(message);
        var end = MessageEnd(lines, commentChar);
        var body = lines.Take(end).ToList();
        var tail = lines.Skip(end);

        var block = BlockStart(body, commentChar);
        if (block is { } start)
        {
            // Drop ours (and their continuation lines) from the block; everything else in it stays as written.
            var dropping = false;
            for (var i = start; i < body.Count;)
            {
                var line = body[i];
                if (IsComment(line, commentChar))
                {
                    i++;
                    continue;
                }

                var continuation = line.Length > 0 && line[0] is ' ' or '\t';
                dropping = continuation ? dropping : Key(line) is { } key && keys.Contains(key);
                if (dropping)
                {
                    body.RemoveAt(i);
                }
                else
                {
                    i++;
                }
            }

            if (!body.Skip(start).Any(l => !IsComment(l, commentChar) && !IsBlank(l)))
            {
                body.RemoveRange(start, body.Count - start);
                block = null;
            }
        }

        var nl = NewLine(message);
        while (block is null && body.Count > 0 && IsBlank(body[^1]))
        {
            body.RemoveAt(body.Count - 1);
        }

        var text = new StringBuilder();
        foreach (var line in body)
        {
            text.Append(line);
        }

        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append(nl);
        }

        if (block is null)
        {
            // A new block, set off from the message by a blank line (git does the same for an empty message).
            text.Append(nl);
        }

        foreach (var trailer in trailers)
        {
            text.Append(trailer).Append(nl);
        }

        foreach (var line in tail)
        {
            text.Append(line);
        }

        return text.ToString();
    }

    /// <summary>True when <paramref name="message"/> holds nothing but blank and comment lines (before any scissors line).</summary>
    public static bool IsEmpty(string message, char commentChar = '#')
    {
        var lines = Lines(message);
        return lines.Take(MessageEnd(lines, commentChar)).All(l => IsBlank(l) || IsComment(l, commentChar));
    }

    /// <summary>The key of a trailer line <c>Key: value</c> (letters, digits and '-', then ':'), or null.</summary>
    public static string? Key(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var key = line[..colon].TrimEnd(' ', '\t');
        return key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? key : null;
    }

    // Where the message ends: before the scissors line, and before the comment and blank lines that precede it (or the
    // end), as git's ignored part of a message is found.
    private static int MessageEnd(List<string> lines, char commentChar)
    {
        var scissors = $"{commentChar} ------------------------ >8 ------------------------";
        var end = lines.FindIndex(l => l.TrimEnd('\r', '\n') == scissors);
        end = end < 0 ? lines.Count : end;
        while (end > 0 && (IsBlank(lines[end - 1]) || IsComment(lines[end - 1], commentChar)))
        {
            end--;
        }

        return end;
    }

    // The first line of the last paragraph when it is a trailer block (and not the subject), else null.
    private static int? BlockStart(List<string> body, char commentChar)
    {
        var start = body.FindLastIndex(IsBlank) + 1;
        var firstText = body.FindIndex(l => !IsBlank(l) && !IsComment(l, commentChar));
        if (start == 0 || firstText < 0 || start <= firstText)
        {
            return null; // no blank line after the subject: the only paragraph is the subject
        }

        var seenTrailer = false;
        for (var i = start; i < body.Count; i++)
        {
            var line = body[i];
            if (IsComment(line, commentChar))
            {
                continue;
            }

            if (line.Length > 0 && line[0] is ' ' or '\t')
            {
                if (!seenTrailer)
                {
                    return null;
                }

                continue;
            }

            if (Key(line) is null)
            {
                return null;
            }

            seenTrailer = true;
        }

        return seenTrailer ? start : null;
    }

    private static bool IsBlank(string line) => string.IsNullOrWhiteSpace(line);

    private static bool IsComment(string line, char commentChar) => line.Length > 0 && line[0] == commentChar;

    private static string NewLine(string text)
    {
        var first = text.IndexOf('\n', StringComparison.Ordinal);
        return first > 0 && text[first - 1] == '\r' ? "\r\n" : "\n";
    }

    // Lines with their line breaks, so that what is kept is kept byte for byte.
    private static List<string> Lines(string text)
    {
        var lines = new List<string>();
        for (var start = 0; start < text.Length;)
        {
            var nl = text.IndexOf('\n', start);
            var stop = nl < 0 ? text.Length : nl + 1;
            lines.Add(text[start..stop]);
            start = stop;
        }

        return lines;
    }
}
