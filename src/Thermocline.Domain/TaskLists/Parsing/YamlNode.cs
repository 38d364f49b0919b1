namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>
/// A node of a PR block, as either parser reads it. Positions are offsets into the whole file's text and
/// 1-based file lines, so diagnostics and edits never need to translate.
/// </summary>
internal abstract class YamlNode
{
    public int Start { get; init; }

    public int End { get; set; }

    public int Line { get; init; }
}

internal enum YamlScalarStyle
{
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

internal sealed class YamlScalar : YamlNode
{
    public required string Value { get; init; }

    public YamlScalarStyle Style { get; init; }

    /// <summary>YAML's null: an empty or <c>~</c>/<c>null</c> plain scalar.</summary>
    public bool IsNull => Style == YamlScalarStyle.Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed class YamlSequence : YamlNode
{
    public List<YamlNode> Items { get; } = [];
}

internal sealed class YamlMapping : YamlNode
{
    public List<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = [];

    /// <summary>Keys seen twice: the repeat and the line of the first.</summary>
    public List<(YamlScalar Key, int FirstLine)>? Duplicates { get; private set; }

    public void Add(YamlScalar key, YamlNode value)
    {
        foreach (var e in Entries)
        {
            if (e.Key.Value == key.Value)
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
            if (e.Key.Value == key)
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
            if (Entries[i].Key.Value == key)
            {
                return i;
            }
        }

        return -1;
    }
}
