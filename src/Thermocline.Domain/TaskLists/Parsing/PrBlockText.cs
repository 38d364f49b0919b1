using System.Text.RegularExpressions;

namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>One replacement in a text: <see cref="End"/> − <see cref="Start"/> characters at <see cref="Start"/> become <see cref="Text"/>.</summary>
internal readonly record struct TextEdit(int Start, int End, string Text);

/// <summary>
/// Where one PR's fields are in the file, for a surgical edit of them (<see cref="TaskList.WithEditedPr"/>): its heading,
/// the top-level fields of its YAML block with their exact extent, and its description in the markdown under the block.
/// Each edit touches only the lines of the field it changes; a field the block lacks gets one line, after the field the
/// format puts before it.
/// </summary>
internal sealed partial class PrBlockText
{
    /// <summary>The order the format writes a block's fields in (the fixture's, and <see cref="TaskList.WithAddedPr"/>'s).</summary>
    private static readonly string[] FieldOrder = ["pr_id", "title", "cold_state", "priority", "complexity", "dependencies", "discovered_from", "estimated_files"];

    private readonly string _text;
    private readonly TextLines _lines;
    private readonly YamlMapping _map;
    private readonly int _heading;
    private readonly int _close;
    private readonly string _nl;
    private readonly (int Label, int First, int End) _description;
    private readonly int _descriptionAt;

    private PrBlockText(string text, TextLines lines, YamlMapping map, PrLocation location)
    {
        _text = text;
        _lines = lines;
        _map = map;
        _heading = location.HeadingLine - 1;
        _close = location.CloseLine - 1;
        _nl = location.NewLine;
        (_description, _descriptionAt) = FindDescription();
    }

    /// <summary>The block of <paramref name="pr"/>, read from <paramref name="text"/> (a list without errors).</summary>
    public static PrBlockText Read(string text, PrEntry pr) => Read(text, new TextLines(text), pr);

    /// <summary>As <see cref="Read(string, PrEntry)"/>, with the text's lines already found (a caller reading many blocks).</summary>
    public static PrBlockText Read(string text, TextLines lines, PrEntry pr)
    {
        var open = pr.Location.OpenLine - 1;
        var close = pr.Location.CloseLine - 1;
        var root = (YamlNode?)FastBlockParser.TryParse(text, lines, open + 1, close)
            ?? EventBlockParser.Parse(text, lines.Start(open + 1), lines.Start(close), open + 2).Root;
        return root is YamlMapping map
            ? new PrBlockText(text, lines, map, pr.Location)
            : throw new InvalidOperationException($"{pr.Id}'s block is not a mapping; the list was not validated.");
    }

    /// <summary>
    /// Where the markdown that starts at line <paramref name="first"/> (zero-based, just past a block) ends, exclusive: at
    /// the next heading of level one to three outside a code fence, the hot-state display's start marker, or the first
    /// line <paramref name="stop"/> names, whichever comes first.
    /// </summary>
    internal static int BodyEnd(TextLines lines, int first, Func<int, bool>? stop = null)
    {
        var end = first;
        string? fence = null;
        for (; end < lines.Count; end++)
        {
            if (stop?.Invoke(end) == true)
            {
                break;
            }

            var content = lines.Content(end);
            var t = content.TrimStart(" \t");
            if (fence is not null)
            {
                fence = t.StartsWith(fence) ? null : fence;
                continue;
            }

            if (t.StartsWith("```") || t.StartsWith("~~~"))
            {
                fence = t[..3].ToString();
                continue;
            }

            var level = content.Length - content.TrimStart('#').Length;
            if ((level is >= 1 and <= 3 && (content.Length == level || content[level] is ' ' or '\t'))
                || t.TrimEnd(" \t").SequenceEqual(HotStateDisplay.StartMarker))
            {
                break;
            }
        }

        return end;
    }

    /// <summary>
    /// The free markdown under the block of the PR at <paramref name="location"/> (description, acceptance criteria, notes),
    /// as written, blank lines (and a closing rule) around it trimmed: up to the next heading of level one to three outside a code fence (the
    /// next PR's, or a section's), or the hot-state display.
    /// </summary>
    public static string Body(string text, PrLocation location)
    {
        var lines = new TextLines(text);
        var first = location.CloseLine; // the line after the closing ---, zero-based
        var end = BodyEnd(lines, first);

        while (first < end && lines.Content(first).Trim(" \t").IsEmpty)
        {
            first++;
        }

        while (end > first && (lines.Content(end - 1).Trim(" \t").IsEmpty || lines.IsDelimiter(end - 1))) // a rule before the next section
        {
            end--;
        }

        return first == end ? "" : text[lines.Start(first)..lines.ContentEnd(end - 1)];
    }

    /// <summary>True for a block written as one flow mapping (<c>{pr_id: …}</c>), whose fields have no lines of their own.</summary>
    public bool IsFlowMapping => _text[_map.Start] == '{';

    /// <summary>Each top-level field's name and the 0-based line its key is on, in file order (for a merge by field).</summary>
    public IEnumerable<(string Key, int Line)> KeyLines => _map.Entries.Select(e => (e.Key.Value, e.Key.Line - 1));

    /// <summary>The value of a top-level scalar field, or null when absent or null.</summary>
    public string? Scalar(string key) => _map.Get(key) is YamlScalar { IsNull: false } s ? s.Value : null;

    /// <summary>The description: its paragraph's lines, trimmed and joined with spaces; null when it has none.</summary>
    public string? Description => _description.First < 0 || _description.First == _description.End
        ? null
        : string.Join(' ', Enumerable.Range(_description.First, _description.End - _description.First)
            .Select(i => (i == _description.First ? _text.AsSpan(_descriptionAt, _lines.ContentEnd(i) - _descriptionAt) : _lines.Content(i)).Trim().ToString()));

    /// <summary>
    /// True when a line starts like markdown structure rather than prose (a list, quote, table, HTML, code, heading, rule
    /// or a bold label such as <c>**Notes:**</c>): a description written so would not be read back as one.
    /// </summary>
    public static bool IsStructural(ReadOnlySpan<char> line)
    {
        var t = line.TrimStart(' ');
        return t.IsEmpty || t[0] is '#' or '>' or '|' or '<' or '`' or '~' or '['
            || t.StartsWith("- ") || t.StartsWith("* ") || t.StartsWith("+ ") || t.SequenceEqual("-") || t.StartsWith("---")
            || OrderedItem().IsMatch(t) || Label().IsMatch(t);
    }

    /// <summary>The heading's title replaced (the <c>### PR-xxx:</c> part kept).</summary>
    public TextEdit HeadingTitle(string title)
    {
        var start = _lines.Start(_heading);
        var content = _lines.Content(_heading).ToString();
        var m = DocumentScanner.PrHeading().Match(content);
        var group = m.Groups["title"];
        var trimmed = group.Value.Trim(' ', '\t');
        if (!m.Success || trimmed.Length == 0)
        {
            var idEnd = m.Success ? m.Groups["id"].Index + m.Groups["id"].Length : content.Length;
            return new TextEdit(start + idEnd, start + content.Length, ": " + title);
        }

        var at = start + group.Index + group.Value.IndexOf(trimmed, StringComparison.Ordinal);
        return new TextEdit(at, at + trimmed.Length, title);
    }

    /// <summary>
    /// A scalar field set to <paramref name="value"/>: only its value changes, in its quoting (<paramref name="plain"/> when
    /// it was unquoted); a multi-line or empty one becomes one line; an absent one is added.
    /// </summary>
    public TextEdit SetScalar(string key, string value, Func<string, string> plain)
    {
        var i = _map.IndexOf(key);
        if (i < 0)
        {
            return Insert(key, plain(value));
        }

        var (name, node) = (_map.Entries[i].Key, _map.Entries[i].Value);
        if (node is YamlScalar { Style: not (YamlScalarStyle.Literal or YamlScalarStyle.Folded) } s && s.Line == name.Line && s.End > s.Start && LastLine(i) == name.Line - 1)
        {
            var rendered = s.Style switch
            {
                YamlScalarStyle.SingleQuoted => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'",
                YamlScalarStyle.DoubleQuoted => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
                _ => plain(value),
            };
            return new TextEdit(s.Start, s.End, rendered);
        }

        return WholeField(i, plain(value));
    }

    /// <summary>
    /// The dependencies set to <paramref name="ids"/>: a flow list keeps its line, a block list its items' indentation; an
    /// emptied block list becomes <c>[]</c>; an absent field is added.
    /// </summary>
    public TextEdit SetDependencies(IReadOnlyList<string> ids)
    {
        const string Key = "dependencies";
        var flow = "[" + string.Join(", ", ids) + "]";
        var i = _map.IndexOf(Key);
        if (i < 0)
        {
            return Insert(Key, flow);
        }

        var (name, node) = (_map.Entries[i].Key, _map.Entries[i].Value);
        var keyLine = name.Line - 1;
        if (node is YamlSequence seq && _text[seq.Start] == '[' && seq.Line == name.Line && LastLine(i) == keyLine
            && _text.IndexOf(']', seq.Start, _lines.ContentEnd(keyLine) - seq.Start) is var close and >= 0)
        {
            return new TextEdit(seq.Start, close + 1, flow);
        }

        if (node is YamlSequence { Items: [YamlScalar first, ..] } block && _text[block.Start] != '[' && ids.Count > 0)
        {
            var firstLine = first.Line - 1;
            var prefix = _text[_lines.Start(firstLine)..first.Start];
            return new TextEdit(_lines.Start(firstLine), _lines.ContentEnd(LastLine(i)), string.Join(_nl, ids.Select(d => prefix + d)));
        }

        return WholeField(i, flow);
    }

    /// <summary>
    /// The description set to <paramref name="value"/> (one line), or removed when it is empty; null when there is nothing
    /// to remove. A new one goes directly under the block, as <see cref="TaskList.WithAddedPr"/> writes it.
    /// </summary>
    public TextEdit? SetDescription(string value)
    {
        var (label, first, end) = _description;
        if (value.Length == 0)
        {
            if (first < 0)
            {
                return null;
            }

            // The paragraph (and its label) with the blank line after it, so no gap of two is left.
            var from = _lines.Start(label >= 0 ? label : first);
            var to = end < _lines.Count && IsBlank(end) ? _lines.Start(end + 1) : _lines.Start(end);
            return new TextEdit(from, to, "");
        }

        if (first >= 0 && first < end)
        {
            return new TextEdit(_descriptionAt, _lines.ContentEnd(end - 1), value);
        }

        if (label >= 0)
        {
            return new TextEdit(_lines.ContentEnd(label), _lines.ContentEnd(label), _nl + value);
        }

        var after = _lines.ContentEnd(_close);
        var nextBlank = _close + 1 >= _lines.Count || IsBlank(_close + 1);
        return new TextEdit(after, after, _nl + _nl + value + (nextBlank ? "" : _nl));
    }

    // A line for an absent field, after the nearest field the format puts before it (pr_id at least).
    private TextEdit Insert(string key, string value)
    {
        var rank = Array.IndexOf(FieldOrder, key);
        var after = -1;
        for (var r = rank - 1; r >= 0 && after < 0; r--)
        {
            after = _map.IndexOf(FieldOrder[r]);
        }

        var at = after < 0 ? _lines.Start(_close) : _lines.Start(LastLine(after) + 1);
        var indent = _map.Entries[0].Key.Start - _lines.Start(_map.Entries[0].Key.Line - 1);
        return new TextEdit(at, at, new string(' ', indent) + key + ": " + value + _nl);
    }

    // The field's lines become one "key: value" line (its last line's terminator kept).
    private TextEdit WholeField(int i, string value)
    {
        var name = _map.Entries[i].Key;
        var start = _lines.Start(name.Line - 1);
        return new TextEdit(start, _lines.ContentEnd(LastLine(i)), _text[start..name.End] + ": " + value);
    }

    // The last line of entry i's value (0-based): comments and blank lines before the next key are not its own.
    private int LastLine(int i)
    {
        var keyLine = _map.Entries[i].Key.Line - 1;
        var next = i + 1 < _map.Entries.Count ? _map.Entries[i + 1].Key.Line - 1 : _close;
        var last = keyLine;
        for (var l = keyLine + 1; l < next; l++)
        {
            var t = _lines.Content(l).Trim(" \t");
            if (!t.IsEmpty && t[0] != '#')
            {
                last = l;
            }
        }

        return last;
    }

    // The description in the markdown under the block, up to the next heading, rule, fence or display marker: the paragraph
    // under a "**Description:**" label (the fixture's way) or after it on its line, else a first paragraph of prose (the way
    // thermo add writes it). First/End are its lines (End exclusive; equal when a label has none), -1 when there is none;
    // At is the offset its text starts at.
    private ((int Label, int First, int End) Lines, int At) FindDescription()
    {
        var stop = _close + 1;
        while (stop < _lines.Count && !EndsText(stop))
        {
            stop++;
        }

        for (var l = _close + 1; l < stop; l++)
        {
            var content = _lines.Content(l);
            var label = content.IndexOf(DescriptionLabel, StringComparison.Ordinal);
            if (label < 0 || !content[..label].Trim(" \t").IsEmpty)
            {
                continue;
            }

            var rest = content[(label + DescriptionLabel.Length)..];
            if (!rest.Trim(" \t").IsEmpty)
            {
                var at = _lines.Start(l) + label + DescriptionLabel.Length + (rest.Length - rest.TrimStart(" \t").Length);
                return ((l, l, ParagraphEnd(l, stop)), at);
            }

            var first = SkipBlank(l + 1, stop);
            return first < stop && !IsStructural(_lines.Content(first)) ? ((l, first, ParagraphEnd(first, stop)), _lines.Start(first)) : ((l, l + 1, l + 1), -1);
        }

        var prose = SkipBlank(_close + 1, stop);
        return prose < stop && !IsStructural(_lines.Content(prose)) ? ((-1, prose, ParagraphEnd(prose, stop)), _lines.Start(prose)) : ((-1, -1, -1), -1);
    }

    private const string DescriptionLabel = "**Description:**";

    private bool EndsText(int line)
    {
        var content = _lines.Content(line);
        var t = content.Trim(" \t");
        return content.StartsWith("#") || _lines.IsDelimiter(line) || t.StartsWith("```") || t.StartsWith("~~~")
            || t.SequenceEqual(HotStateDisplay.StartMarker) || t.SequenceEqual(HotStateDisplay.EndMarker);
    }

    private int SkipBlank(int line, int stop)
    {
        while (line < stop && IsBlank(line))
        {
            line++;
        }

        return line;
    }

    private int ParagraphEnd(int line, int stop)
    {
        while (line < stop && !IsBlank(line))
        {
            line++;
        }

        return line;
    }

    private bool IsBlank(int line) => _lines.Content(line).Trim(" \t").IsEmpty;

    [GeneratedRegex(@"^\d+[.)]( |$)")]
    private static partial Regex OrderedItem();

    [GeneratedRegex(@"^\*\*[^*]+:\*\*")]
    private static partial Regex Label();
}
