namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>
/// Reads the common shape of a PR block — block mappings and sequences, one-line plain or simply quoted
/// scalars, one-line flow lists of plain items, comments — in one pass over the lines, without a general
/// YAML parser. Anything else (anchors, tags, multi-line or escaped scalars, flow mappings, syntax errors)
/// makes it give up, and <see cref="EventBlockParser"/> reads the block instead, so results always equal
/// a full YAML parse.
/// </summary>
internal sealed class FastBlockParser
{
    // One instance per thread (blocks are read on several threads for large lists); it only ever steers control flow.
    [ThreadStatic]
    private static GiveUp? _unsupported;

    private static GiveUp Unsupported => _unsupported ??= new();

    private readonly string _text;
    private readonly TextLines _lines;
    private readonly int _end;
    private readonly NodePool _nodes;
    private int _line;

    private FastBlockParser(string text, TextLines lines, int first, int endExclusive, NodePool nodes)
    {
        _text = text;
        _lines = lines;
        _line = first;
        _end = endExclusive;
        _nodes = nodes;
    }

    /// <summary>
    /// The block's root mapping, or null when the block needs the full parser. Its nodes come from
    /// <paramref name="nodes"/> and are valid until that pool's next reset; without a pool, from one of their own.
    /// </summary>
    public static YamlMapping? TryParse(string text, TextLines lines, int first, int endExclusive, NodePool? nodes = null)
    {
        if (HasTabOrLoneCarriageReturn(text, lines.Start(first), lines.Start(endExclusive)))
        {
            return null; // tabs have subtle rules in YAML, and it reads a lone CR as a line break: leave both to the full parser
        }

        var parser = new FastBlockParser(text, lines, first, endExclusive, nodes ?? new NodePool());
        try
        {
            parser.SkipTrivia();
            if (parser._line >= parser._end || parser.Indent(parser._line) != 0)
            {
                return null;
            }

            var root = parser.ParseMapping(0, -1);
            parser.SkipTrivia();
            return parser._line >= parser._end ? root : null;
        }
        catch (GiveUp)
        {
            return null;
        }
    }

    private YamlMapping ParseMapping(int indent, int firstKeyAt)
    {
        YamlMapping? map = null;
        while (true)
        {
            int keyAt;
            if (firstKeyAt >= 0)
            {
                keyAt = firstKeyAt;
                firstKeyAt = -1;
            }
            else
            {
                SkipTrivia();
                if (_line >= _end)
                {
                    break;
                }

                var ind = Indent(_line);
                if (ind < indent)
                {
                    break;
                }

                if (ind > indent)
                {
                    throw Unsupported;
                }

                keyAt = _lines.Start(_line) + ind;
            }

            var key = ReadKey(keyAt) ?? throw Unsupported;
            map ??= _nodes.Mapping(keyAt, _line + 1);
            map.Add(key, ParseValue(key.End + 1, indent));
        }

        return map ?? throw Unsupported;
    }

    private YamlNode ParseValue(int afterColon, int indent)
    {
        var contentEnd = _lines.ContentEnd(_line);
        var at = SkipSpaces(afterColon, contentEnd);
        if (at < contentEnd && _text[at] != '#')
        {
            var node = ParseInline(at, contentEnd);
            _line++;
            EnsureNoContinuation(indent);
            return node;
        }

        if (at < contentEnd && at == afterColon)
        {
            throw Unsupported; // "key:#" is not a comment
        }

        // The value is a nested block on the following lines.
        _line++;
        SkipTrivia();
        if (_line >= _end)
        {
            throw Unsupported; // empty value: left to the full parser
        }

        var ind = Indent(_line);
        var isDash = IsSequenceItem(_line, ind);
        if (isDash && ind >= indent)
        {
            return ParseSequence(ind);
        }

        if (ind > indent)
        {
            return ParseMapping(ind, -1);
        }

        throw Unsupported;
    }

    private YamlSequence ParseSequence(int indent)
    {
        var seq = _nodes.Sequence(_lines.Start(_line) + indent, 0, _line + 1);
        while (true)
        {
            SkipTrivia();
            if (_line >= _end)
            {
                break;
            }

            var ind = Indent(_line);
            if (ind < indent || (ind == indent && !IsSequenceItem(_line, ind)))
            {
                break;
            }

            if (ind > indent)
            {
                throw Unsupported;
            }

            var lineStart = _lines.Start(_line);
            var contentEnd = _lines.ContentEnd(_line);
            var at = SkipSpaces(lineStart + ind + 1, contentEnd);
            if (at >= contentEnd || _text[at] == '#')
            {
                throw Unsupported; // nested block under a bare dash
            }

            if (ReadKey(at) is not null)
            {
                seq.Items.Add(ParseMapping(at - lineStart, at));
            }
            else
            {
                seq.Items.Add(ParseInline(at, contentEnd));
                _line++;
                EnsureNoContinuation(indent);
            }
        }

        return seq;
    }

    private YamlNode ParseInline(int at, int contentEnd)
    {
        var line = _line + 1;
        switch (_text[at])
        {
            case '[':
                return ParseFlowList(at, contentEnd, line);
            case '\'':
                {
                    var sb = new System.Text.StringBuilder();
                    var i = at + 1;
                    while (true)
                    {
                        var q = _text.IndexOf('\'', i, contentEnd - i);
                        if (q < 0)
                        {
                            throw Unsupported;
                        }

                        sb.Append(_text, i, q - i);
                        if (q + 1 < contentEnd && _text[q + 1] == '\'')
                        {
                            sb.Append('\'');
                            i = q + 2;
                            continue;
                        }

                        EnsureOnlyComment(q + 1, contentEnd);
                        return new YamlScalar(sb.ToString()) { Style = YamlScalarStyle.SingleQuoted, Start = at, End = q + 1, Line = line };
                    }
                }

            case '"':
                {
                    var q = _text.IndexOfAny(['"', '\\'], at + 1, contentEnd - at - 1);
                    if (q < 0 || _text[q] == '\\')
                    {
                        throw Unsupported;
                    }

                    EnsureOnlyComment(q + 1, contentEnd);
                    return Slice(at + 1, q - at - 1, YamlScalarStyle.DoubleQuoted, at, q + 1, line);
                }

            case '{' or ']' or '}' or '&' or '*' or '!' or '|' or '>' or '%' or '@' or '`' or '#' or ',' or '?' or ':' or '-':
                throw Unsupported;
            default:
                {
                    var end = PlainEnd(at, contentEnd);
                    return Slice(at, end - at, YamlScalarStyle.Plain, at, end, line);
                }
        }
    }

    private YamlSequence ParseFlowList(int at, int contentEnd, int line)
    {
        var close = _text.IndexOf(']', at, contentEnd - at);
        if (close < 0)
        {
            throw Unsupported;
        }

        EnsureOnlyComment(close + 1, contentEnd);
        var seq = _nodes.Sequence(at, close + 1, line);
        var i = SkipSpaces(at + 1, close);
        if (i == close)
        {
            return seq;
        }

        while (true)
        {
            var itemStart = i;
            while (i < close && IsFlowItemChar(_text[i]))
            {
                i++;
            }

            if (i == itemStart || !char.IsAsciiLetterOrDigit(_text[itemStart]))
            {
                throw Unsupported;
            }

            seq.Items.Add(Slice(itemStart, i - itemStart, YamlScalarStyle.Plain, itemStart, i, line));
            i = SkipSpaces(i, close);
            if (i == close)
            {
                return seq;
            }

            if (_text[i] != ',')
            {
                throw Unsupported;
            }

            i = SkipSpaces(i + 1, close);
            if (i == close)
            {
                throw Unsupported; // trailing comma
            }
        }
    }

    // End of a one-line plain scalar: before a " #" comment and trailing blanks; gives up on ": ".
    private int PlainEnd(int at, int contentEnd)
    {
        var end = contentEnd;
        for (var i = at; i < contentEnd; i++)
        {
            var c = _text[i];
            if (c == ':' && (i + 1 == contentEnd || _text[i + 1] is ' ' or '\t'))
            {
                throw Unsupported;
            }

            if (c == '#' && _text[i - 1] is ' ' or '\t')
            {
                end = i;
                break;
            }
        }

        while (end > at && _text[end - 1] is ' ' or '\t')
        {
            end--;
        }

        return end;
    }

    private YamlScalar? ReadKey(int at)
    {
        var contentEnd = _lines.ContentEnd(_line);
        var i = at;
        while (i < contentEnd && (char.IsAsciiLetterOrDigit(_text[i]) || _text[i] is '_' or '-' or '.'))
        {
            i++;
        }

        if (i == at || !char.IsAsciiLetter(_text[at]) || i >= contentEnd || _text[i] != ':')
        {
            return null;
        }

        if (i + 1 < contentEnd && _text[i + 1] is not (' ' or '\t'))
        {
            return null;
        }

        return Slice(at, i - at, YamlScalarStyle.Plain, at, i, _line + 1);
    }

    private YamlScalar Slice(int valueStart, int valueLength, YamlScalarStyle style, int start, int end, int line) =>
        _nodes.Slice(_text, valueStart, valueLength, style, start, end, line);

    private void EnsureOnlyComment(int from, int contentEnd)
    {
        var i = SkipSpaces(from, contentEnd);
        if (i < contentEnd && (_text[i] != '#' || i == from))
        {
            throw Unsupported;
        }
    }

    // A more-indented line after a one-line value would continue or break it: leave that to the full parser.
    private void EnsureNoContinuation(int indent)
    {
        SkipTrivia();
        if (_line < _end && Indent(_line) > indent)
        {
            throw Unsupported;
        }
    }

    private void SkipTrivia()
    {
        while (_line < _end)
        {
            var content = _lines.Content(_line);
            var trimmed = content.TrimStart(' ');
            if (trimmed.Length > 0 && trimmed[0] == '\t')
            {
                trimmed = trimmed.TrimStart(" \t");
                if (trimmed.Length > 0 && trimmed[0] != '#')
                {
                    throw Unsupported; // a tab in indentation
                }
            }

            if (trimmed.Length > 0 && trimmed[0] != '#')
            {
                return;
            }

            _line++;
        }
    }

    private int Indent(int line)
    {
        var content = _lines.Content(line);
        var n = 0;
        while (n < content.Length && content[n] == ' ')
        {
            n++;
        }

        return n;
    }

    private bool IsSequenceItem(int line, int indent)
    {
        var content = _lines.Content(line);
        return content.Length > indent && content[indent] == '-' && (content.Length == indent + 1 || content[indent + 1] is ' ' or '\t');
    }

    private int SkipSpaces(int i, int end)
    {
        while (i < end && _text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    private static bool HasTabOrLoneCarriageReturn(string text, int start, int end)
    {
        for (var i = text.IndexOfAny(['\r', '\t'], start, end - start); i >= 0; i = text.IndexOfAny(['\r', '\t'], i + 1, end - i - 1))
        {
            if (text[i] == '\t' || i + 1 >= text.Length || text[i + 1] != '\n')
            {
                return true;
            }

            if (i + 1 >= end)
            {
                break;
            }
        }

        return false;
    }

    private static bool IsFlowItemChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/';

    private sealed class GiveUp : Exception;
}
