namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>The lines of a text: where each starts and where its content ends (before <c>\r\n</c> or <c>\n</c>).</summary>
internal sealed class TextLines
{
    private readonly string _text;
    private readonly List<int> _starts;

    public TextLines(string text)
    {
        _text = text;
        var span = text.AsSpan();
        _starts = new List<int>(span.Count('\n') + 1) { 0 }; // counted first (vectorised): one exact allocation, no regrowth
        var offset = 0;
        while (true)
        {
            var i = span[offset..].IndexOf('\n');
            if (i < 0)
            {
                break;
            }

            offset += i + 1;
            if (offset < text.Length)
            {
                _starts.Add(offset);
            }
        }
    }

    /// <summary>Number of lines (a final line break does not start another line).</summary>
    public int Count => _text.Length == 0 ? 0 : _starts.Count;

    /// <summary>Offset where line <paramref name="i"/> (0-based) starts.</summary>
    public int Start(int i) => i < _starts.Count ? _starts[i] : _text.Length;

    /// <summary>Offset where the content of line <paramref name="i"/> ends, excluding its terminator.</summary>
    public int ContentEnd(int i)
    {
        var newline = NewLineAt(i);
        return newline < _text.Length && newline > Start(i) && _text[newline - 1] == '\r' ? newline - 1 : newline;
    }

    /// <summary>The content of line <paramref name="i"/>.</summary>
    public ReadOnlySpan<char> Content(int i) => _text.AsSpan(Start(i), ContentEnd(i) - Start(i));

    /// <summary>The terminator of line <paramref name="i"/>: <c>\r\n</c>, <c>\n</c> or empty for a last line without one.</summary>
    public string Terminator(int i)
    {
        var newline = NewLineAt(i);
        return newline >= _text.Length ? "" : ContentEnd(i) < newline ? "\r\n" : "\n";
    }

    // Offset of the '\n' ending line i, or the text's length when the line has none.
    private int NewLineAt(int i) =>
        i + 1 < _starts.Count ? _starts[i + 1] - 1
        : _text.Length > 0 && _text[^1] == '\n' ? _text.Length - 1
        : _text.Length;

    /// <summary>True when line <paramref name="i"/> is <c>---</c>, optionally followed by spaces.</summary>
    public bool IsDelimiter(int i) => Content(i).TrimEnd(" \t").SequenceEqual("---");
}
