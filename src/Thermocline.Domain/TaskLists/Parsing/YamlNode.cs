namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>
/// A node of a PR block, as either parser reads it. Positions are offsets into the whole file's text and
/// 1-based file lines, so diagnostics and edits never need to translate.
/// </summary>
internal abstract class YamlNode
{
    public int Start { get; set; }

    public int End { get; set; }

    public int Line { get; set; }
}

internal enum YamlScalarStyle
{
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// <summary>
/// A scalar. The fast reader's values are slices of the file, made into strings only when asked for:
/// most keys and many values are only compared, and a 10,000-PR list has hundreds of thousands of them.
/// </summary>
internal sealed class YamlScalar : YamlNode
{
    private string? _source;
    private int _valueStart;
    private int _valueLength;
    private string? _value;

    /// <summary>An empty scalar, to be set by <see cref="Reuse"/>.</summary>
    public YamlScalar()
    {
    }

    /// <summary>A scalar whose value is <paramref name="value"/>.</summary>
    public YamlScalar(string value) => _value = value;

    public string Value => _value ??= _source!.Substring(_valueStart, _valueLength);

    /// <summary>Makes this scalar the slice of <paramref name="source"/> at <paramref name="valueStart"/> (see <see cref="NodePool"/>).</summary>
    public void Reuse(string source, int valueStart, int valueLength, YamlScalarStyle style, int start, int end, int line)
    {
        _source = source;
        _valueStart = valueStart;
        _valueLength = valueLength;
        _value = null;
        Style = style;
        Start = start;
        End = end;
        Line = line;
    }

    public ReadOnlySpan<char> Span => _value is not null ? _value.AsSpan() : _source.AsSpan(_valueStart, _valueLength);

    public YamlScalarStyle Style { get; set; }

    /// <summary>YAML's null: an empty or <c>~</c>/<c>null</c> plain scalar.</summary>
    public bool IsNull => Style == YamlScalarStyle.Plain && Span is "" or "~" or "null" or "Null" or "NULL";

    public bool Is(string value) => Span.SequenceEqual(value);
}

internal sealed class YamlSequence : YamlNode
{
    public List<YamlNode> Items { get; } = [];

    /// <summary>Makes this an empty sequence again (see <see cref="NodePool"/>).</summary>
    public void Reuse(int start, int end, int line)
    {
        Items.Clear();
        (Start, End, Line) = (start, end, line);
    }
}

internal sealed class YamlMapping : YamlNode
{
    public List<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = [];

    /// <summary>Keys seen twice: the repeat and the line of the first.</summary>
    public List<(YamlScalar Key, int FirstLine)>? Duplicates { get; private set; }

    /// <summary>Makes this an empty mapping again (see <see cref="NodePool"/>).</summary>
    public void Reuse(int start, int line)
    {
        Entries.Clear();
        Duplicates = null;
        (Start, End, Line) = (start, 0, line);
    }

    public void Add(YamlScalar key, YamlNode value)
    {
        foreach (var e in Entries)
        {
            if (e.Key.Span.SequenceEqual(key.Span))
            {
                (Duplicates ??= []).Add((key, e.Key.Line));
                return;
            }
        }

        Entries.Add(new(key, value));
    }

    public YamlNode? Get(string key)
    {
        foreach (var e in Entries)
        {
            if (e.Key.Is(key))
            {
                return e.Value;
            }
        }

        return null;
    }

    public int IndexOf(string key)
    {
        for (var i = 0; i < Entries.Count; i++)
        {
            if (Entries[i].Key.Is(key))
            {
                return i;
            }
        }

        return -1;
    }
}
