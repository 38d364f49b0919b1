using Thermocline.Domain.TaskLists.Parsing;

namespace Thermocline.Domain.TaskLists.Merging;

/// <summary>One PR's unit of a task list for a merge: its heading through the last line of the markdown under its block.</summary>
/// <param name="Entry">The PR as parsed.</param>
/// <param name="Text">The unit's exact text.</param>
/// <param name="LazyParts">The unit cut into named parts (see <see cref="MergeDocument"/>), whose texts joined are <paramref name="Text"/>.</param>
internal sealed record PrUnit(PrEntry Entry, string Text, Lazy<List<(string Key, string Text)>> LazyParts)
{
    /// <summary>The parts, cut when first asked for (only a block both sides changed needs them).</summary>
    public List<(string Key, string Text)> Parts => LazyParts.Value;
}

/// <summary>
/// A task list cut for a three-way merge, every byte in exactly one place: a <em>skeleton</em> of lines in which each
/// PR's unit (its <c>### PR-xxx</c> heading through the markdown under its block, up to the next heading of level one to
/// three, the next PR or the hot-state display) and the display section (markers included) stand as one token line
/// each, and every other line (prose, section headings, rules) stands as itself, terminator included. A PR's unit is cut
/// in turn into parts: <c>heading</c>, <c>gap</c> (blank lines before the block), <c>open</c>, <c>prelude</c> (comment lines
/// before the first key), one <c>field:NAME</c> per top-level key (its key line up to the next key line), <c>close</c> and
/// <c>body</c> (a flow-mapping block is one <c>yaml</c> part).
/// </summary>
internal sealed class MergeDocument
{
    /// <summary>The skeleton line standing for the hot-state display section.</summary>
    public const string DisplayToken = "\0display";

    private const string PrTokenPrefix = "\0pr\0";

    private MergeDocument(TaskList list, List<string> skeleton, Dictionary<string, PrUnit> prs, string? display, string newLine)
    {
        List = list;
        Skeleton = skeleton;
        Prs = prs;
        Display = display;
        NewLine = newLine;
    }

    /// <summary>The parsed list.</summary>
    public TaskList List { get; }

    /// <summary>The skeleton's lines, in file order.</summary>
    public List<string> Skeleton { get; }

    /// <summary>Each PR's unit, by id.</summary>
    public Dictionary<string, PrUnit> Prs { get; }

    /// <summary>The display section's text (markers included), or null when the list has none.</summary>
    public string? Display { get; }

    /// <summary>The file's line ending (its first line's), for lines a merge adds.</summary>
    public string NewLine { get; }

    /// <summary>The skeleton line standing for PR <paramref name="id"/>.</summary>
    public static string PrToken(string id) => PrTokenPrefix + id;

    /// <summary>True for a token line (a PR or the display), false for a line of the file.</summary>
    public static bool IsToken(string line) => line.Length > 0 && line[0] == '\0';

    /// <summary>The PR a token stands for, or null for the display token and every other line.</summary>
    public static string? PrOf(string line) => line.StartsWith(PrTokenPrefix, StringComparison.Ordinal) ? line[PrTokenPrefix.Length..] : null;

    /// <summary>Cuts <paramref name="list"/> (one without errors).</summary>
    public static MergeDocument Cut(TaskList list)
    {
        var text = list.Text;
        var lines = new TextLines(text);
        var headings = new Dictionary<int, PrEntry>();
        foreach (var pr in list.Prs)
        {
            headings[pr.Location.HeadingLine - 1] = pr;
        }

        var displayStart = list.Display is { } d ? d.StartLine - 1 : -1;
        var displayEnd = list.Display is { } e ? e.EndLine - 1 : -1;
        var skeleton = new List<string>();
        var prs = new Dictionary<string, PrUnit>(StringComparer.Ordinal);
        string? display = null;
        for (var line = 0; line < lines.Count;)
        {
            if (headings.TryGetValue(line, out var pr))
            {
                var end = UnitEnd(lines, pr, headings, displayStart);
                var (entry, unitEnd) = (pr, end);
                prs[pr.Id] = new PrUnit(pr, Slice(text, lines, line, end), new(() => Parts(text, lines, entry, unitEnd)));
                skeleton.Add(PrToken(pr.Id));
                line = end;
            }
            else if (line == displayStart)
            {
                display = Slice(text, lines, line, displayEnd + 1);
                skeleton.Add(DisplayToken);
                line = displayEnd + 1;
            }
            else
            {
                skeleton.Add(Slice(text, lines, line, line + 1));
                line++;
            }
        }

        var lf = text.IndexOf('\n', StringComparison.Ordinal);
        return new MergeDocument(list, skeleton, prs, display, lf > 0 && text[lf - 1] == '\r' ? "\r\n" : "\n");
    }

    /// <summary>The lines of <paramref name="text"/>, each with its terminator.</summary>
    public static List<string> SplitLines(string text)
    {
        var result = new List<string>();
        for (var start = 0; start < text.Length;)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl + 1;
            result.Add(text[start..end]);
            start = end;
        }

        return result;
    }

    // Where the unit of pr ends (0-based, exclusive): as PrBlockText.Body reads the markdown under a block, and never past
    // the next PR's heading or the display.
    private static int UnitEnd(TextLines lines, PrEntry pr, Dictionary<int, PrEntry> headings, int displayStart) =>
        PrBlockText.BodyEnd(lines, pr.Location.CloseLine, line => headings.ContainsKey(line) || line == displayStart);

    private static List<(string Key, string Text)> Parts(string text, TextLines lines, PrEntry pr, int end)
    {
        var heading = pr.Location.HeadingLine - 1;
        var open = pr.Location.OpenLine - 1;
        var close = pr.Location.CloseLine - 1;
        var parts = new List<(string, string)>
        {
            ("heading", Slice(text, lines, heading, heading + 1)),
            ("gap", Slice(text, lines, heading + 1, open)),
            ("open", Slice(text, lines, open, open + 1)),
        };

        var block = PrBlockText.Read(text, lines, pr);
        var keys = block.IsFlowMapping ? [] : block.KeyLines.ToList();
        var ordered = keys.Count > 0 && keys[0].Line > open && keys.Zip(keys.Skip(1)).All(k => k.First.Line < k.Second.Line) && keys[^1].Line < close;
        if (!ordered)
        {
            parts.Add(("yaml", Slice(text, lines, open + 1, close)));
        }
        else
        {
            parts.Add(("prelude", Slice(text, lines, open + 1, keys[0].Line)));
            for (var i = 0; i < keys.Count; i++)
            {
                parts.Add(("field:" + keys[i].Key, Slice(text, lines, keys[i].Line, i + 1 < keys.Count ? keys[i + 1].Line : close)));
            }
        }

        parts.Add(("close", Slice(text, lines, close, close + 1)));
        parts.Add(("body", Slice(text, lines, close + 1, end)));
        return parts;
    }

    private static string Slice(string text, TextLines lines, int from, int to) => from >= to ? "" : text[lines.Start(from)..lines.Start(to)];
}
