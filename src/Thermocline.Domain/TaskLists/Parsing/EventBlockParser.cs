using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>
/// Reads a PR block with YamlDotNet's event parser (full YAML 1.1), building the same nodes as
/// <see cref="FastBlockParser"/>. Depth and size are bounded, aliases are shared rather than copied, so
/// hostile input costs little and cannot overflow the stack.
/// </summary>
internal static partial class EventBlockParser
{
    public const int MaxDepth = 64;
    public const int MaxNodes = 100_000;

    /// <summary>The outcome: a root node (null for an empty block) or a syntax error.</summary>
    public readonly record struct Result(YamlNode? Root, int ErrorLine, string? Error);

    public static Result Parse(string text, int start, int end, int firstLine)
    {
        var state = new State(start, firstLine);
        var block = text[start..end];
        try
        {
            var parser = new Parser(new StringReader(block));
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return new Result(null, 0, null);
            }

            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, state, 0);
            parser.Consume<DocumentEnd>();
            if (parser.Current is not StreamEnd)
            {
                return new Result(null, state.LineOf(parser.Current!.Start), "the block holds more than one YAML document; a PR block is one mapping of fields");
            }

            return new Result(root, 0, null);
        }
        catch (YamlException ex)
        {
            return new Result(null, state.LineOf(ex.Start), Describe(ex, LineAt(block, (int)ex.Start.Line)));
        }
        catch (BlockTooComplexException ex)
        {
            return new Result(null, ex.Line, ex.Message);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not a YamlException) when a flow collection runs into the end of the
            // block, e.g. "title: [Draft" with no closing bracket. It is still bad input, not a crash of ours.
            var line = UnclosedFlowLine(block);
            return new Result(null, firstLine + line, $"a '[' or '{{' is never closed: \"{LineAt(block, line + 1).Trim()}\"; quote the value if the bracket is part of the text");
        }
    }

    // The 0-based line of the block where '[' or '{' first outnumber their closing brackets (0 when none does).
    private static int UnclosedFlowLine(string block)
    {
        var lines = block.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var l = lines[i];
            if (l.Count(c => c is '[' or '{') > l.Count(c => c is ']' or '}'))
            {
                return i;
            }
        }

        return 0;
    }

    private static YamlNode ReadNode(Parser parser, State state, int depth)
    {
        if (++state.Nodes > MaxNodes)
        {
            throw new BlockTooComplexException(state.LineOf(parser.Current!.Start), $"the block has more than {MaxNodes:N0} YAML nodes; a PR block is a handful of fields");
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var node = new YamlScalar(scalar.Value)
            {
                Style = scalar.Style switch
                {
                    ScalarStyle.SingleQuoted => YamlScalarStyle.SingleQuoted,
                    ScalarStyle.DoubleQuoted => YamlScalarStyle.DoubleQuoted,
                    ScalarStyle.Literal => YamlScalarStyle.Literal,
                    ScalarStyle.Folded => YamlScalarStyle.Folded,
                    _ => YamlScalarStyle.Plain,
                },
                Start = state.Offset(scalar.Start),
                End = state.Offset(scalar.End),
                Line = state.LineOf(scalar.Start),
            };
            return state.Remember(scalar.Anchor, node);
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return state.Anchors.TryGetValue(alias.Value.Value, out var target)
                ? target
                : throw new BlockTooComplexException(state.LineOf(alias.Start), $"alias *{alias.Value.Value} refers to no anchor");
        }

        if (depth >= MaxDepth)
        {
            throw new BlockTooComplexException(state.LineOf(parser.Current!.Start), $"the block nests deeper than {MaxDepth} levels");
        }

        if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var seq = new YamlSequence { Start = state.Offset(seqStart.Start), Line = state.LineOf(seqStart.Start) };
            state.Remember(seqStart.Anchor, seq);
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                seq.Items.Add(ReadNode(parser, state, depth + 1));
            }

            return seq;
        }

        if (parser.TryConsume<MappingStart>(out var mapStart))
        {
            var map = new YamlMapping { Start = state.Offset(mapStart.Start), Line = state.LineOf(mapStart.Start) };
            state.Remember(mapStart.Anchor, map);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyStart = parser.Current!.Start;
                if (ReadNode(parser, state, depth + 1) is not YamlScalar key)
                {
                    throw new BlockTooComplexException(state.LineOf(keyStart), "a mapping key must be plain text, not a list or mapping");
                }

                map.Add(key, ReadNode(parser, state, depth + 1));
            }

            return map;
        }

        throw new BlockTooComplexException(state.LineOf(parser.Current!.Start), $"unexpected YAML {parser.Current.GetType().Name}");
    }

    private static string LineAt(string block, int line)
    {
        var lines = block.Split('\n');
        return line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : "";
    }

    private static string Describe(YamlException ex, string line)
    {
        var message = LocationPrefix().Replace(ex.Message, "").Trim();
        if (message.Length == 0 && ex.InnerException is not null)
        {
            message = LocationPrefix().Replace(ex.InnerException.Message, "").Trim();
        }

        var column = $" (column {ex.Start.Column})";
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        var value = colon < 0 ? "" : line[(colon + 2)..].Trim();
        if (value.Length > 0 && value[0] is not ('"' or '\'' or '[' or '{') && (value.Contains(": ", StringComparison.Ordinal) || value.EndsWith(':')))
        {
            return $"YAML syntax error{column}: the value '{value}' contains ': ', which YAML reads as a nested key; put the value in quotes, e.g. {line[..colon].Trim()}: \"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        }

        return $"YAML syntax error{column}: {message.TrimEnd('.')}";
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex LocationPrefix();

    private sealed class State(int baseOffset, int firstLine)
    {
        public Dictionary<string, YamlNode> Anchors { get; } = new(StringComparer.Ordinal);

        public int Nodes { get; set; }

        public int Offset(Mark mark) => baseOffset + (int)mark.Index;

        public int LineOf(Mark mark) => firstLine + (int)mark.Line - 1;

        public YamlNode Remember(AnchorName anchor, YamlNode node)
        {
            if (!anchor.IsEmpty)
            {
                Anchors[anchor.Value] = node;
            }

            return node;
        }
    }

    private sealed class BlockTooComplexException(int line, string message) : Exception(message)
    {
        public int Line { get; } = line;
    }
}
