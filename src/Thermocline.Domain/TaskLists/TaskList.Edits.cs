using Thermocline.Domain.Errors;
using Thermocline.Domain.States;

namespace Thermocline.Domain.TaskLists;

public sealed partial class TaskList
{
    /// <summary>
    /// Sets one PR's cold state: only the value of its <c>cold_state:</c> line changes (quoting kept), or,
    /// when the block has none, one <c>cold_state:</c> line is added. Every other byte stays as it was.
    /// Throws when the list has errors or the PR is unknown.
    /// </summary>
    public TaskList WithColdState(string prId, ColdState state) => WithColdStates([(prId, state)]);

    /// <summary>
    /// Sets many PRs' cold states: the same bytes as <see cref="WithColdState"/> applied once per change. The edit itself
    /// costs O(number of changes): the new list keeps the list it edits and the changes, and makes its text (one pass)
    /// and its PR locations only when they are asked for; <see cref="ToBytes"/> writes the bytes from the pieces. After
    /// <see cref="MaxPendingEdits"/> PRs edited that way the list is made whole. All or nothing: throws, changing nothing,
    /// when the list has errors, a PR is unknown or named twice, or a flow-style block would need a line added.
    /// </summary>
    public TaskList WithColdStates(IEnumerable<(string PrId, ColdState State)> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        EnsureValid();
        var root = _root ?? this;
        var edits = new Dictionary<int, ColdEdit>(_edits.Length + 4);
        foreach (var e in _edits)
        {
            edits[e.Index] = e;
        }

        var named = new HashSet<string>(StringComparer.Ordinal);
        var changed = false;
        foreach (var (prId, state) in states)
        {
            if (!named.Add(prId))
            {
                throw new ArgumentException($"{prId} is named twice in one edit.", nameof(states));
            }

            var index = _index.TryGetValue(prId, out var i) ? i : throw ThermoclineException.UnknownPr(prId);
            var pr = root.Prs[index];
            var loc = pr.Location;
            var name = StateNames.Of(state);
            var edited = edits.TryGetValue(index, out var earlier);
            var current = edited ? earlier.State : pr.ColdState;
            if (loc.HasColdState)
            {
                if (current == state)
                {
                    continue;
                }

                // Edited back to the value it has in the root: the root's bytes again.
                changed = true;
                var quote = root.Text[loc.ColdStateStart];
                if (state == pr.ColdState)
                {
                    edits.Remove(index);
                }
                else
                {
                    edits[index] = new ColdEdit(index, state, loc.ColdStateStart, loc.ColdStateEnd - loc.ColdStateStart, quote is '\'' or '"' ? $"{quote}{name}{quote}" : name, AddsLine: false);
                }
            }
            else if (loc.InsertAt < 0)
            {
                throw ThermoclineException.BadTaskList(
                    $"{prId} (line {loc.OpenLine}) is written as a flow mapping, where a cold_state line cannot be added; add 'cold_state: {StateNames.Of(pr.ColdState)}' to it by hand.");
            }
            else if (!edited || current != state)
            {
                // A block without the line gets one, even for the state it has by default; an added line is rewritten.
                changed = true;
                edits[index] = new ColdEdit(index, state, loc.InsertAt, 0, new string(' ', loc.KeyIndent) + "cold_state: " + name + loc.NewLine, AddsLine: true);
            }
        }

        if (!changed)
        {
            return this;
        }

        var sorted = edits.Values.ToArray();
        Array.Sort(sorted, static (a, b) => a.Index.CompareTo(b.Index));
        var list = sorted.Length == 0 ? root : new TaskList(root, sorted);
        return sorted.Length > MaxPendingEdits ? list.Whole() : list;
    }

    /// <summary>How many edited PRs a list keeps as edits before it is made whole (text and locations built once).</summary>
    public const int MaxPendingEdits = 32;

    /// <summary>One PR's cold-state edit, against the root's text: <see cref="Removed"/> characters at <see cref="Start"/> become <see cref="Inserted"/>.</summary>
    private readonly record struct ColdEdit(int Index, ColdState State, int Start, int Removed, string Inserted, bool AddsLine)
    {
        public int Delta => Inserted.Length - Removed;
    }

    // This list with its text and layout made: a root of its own.
    private TaskList Whole() => _root is null ? this : new TaskList(Text, HasBom, Prs, Diagnostics, Display, _index);

    // The text of an edited list: one copy of the root's, the edits spliced in.
    private string EditedText()
    {
        var pieces = EditedPieces();
        return string.Create(pieces.Sum(p => p.Length), pieces, static (span, pieces) =>
        {
            foreach (var piece in pieces)
            {
                piece.Span.CopyTo(span);
                span = span[piece.Length..];
            }
        });
    }

    private List<ReadOnlyMemory<char>> EditedPieces()
    {
        var text = _root!.Text;
        var pieces = new List<ReadOnlyMemory<char>>((_edits.Length * 2) + 1);
        var copied = 0;
        foreach (var e in _edits)
        {
            pieces.Add(text.AsMemory(copied, e.Start - copied));
            pieces.Add(e.Inserted.AsMemory());
            copied = e.Start + e.Removed;
        }

        pieces.Add(text.AsMemory(copied));
        return pieces;
    }

    // The PRs of an edited list, each later PR's location shifted by what the edits before it added; the diagnostics'
    // lines and the display section moved the same way. Ids and their order stay, so does the index.
    private Layout EditedLayout()
    {
        var root = _root!;
        var prs = new PrEntry[root.Prs.Count];
        var insertedAt = new List<int>();
        int delta = 0, lines = 0, next = 0, displayDelta = 0, displayLines = 0;
        for (var i = 0; i < prs.Length; i++)
        {
            var pr = root.Prs[i];
            if (next < _edits.Length && _edits[next].Index == i)
            {
                var e = _edits[next++];
                prs[i] = Edited(pr, e, delta, lines);
                delta += e.Delta;
                if (e.AddsLine)
                {
                    insertedAt.Add(pr.Location.InsertLine);
                    lines++;
                }

                if (root.Display is { } r && r.Start > e.Start)
                {
                    displayDelta += e.Delta;
                    displayLines += e.AddsLine ? 1 : 0;
                }
            }
            else
            {
                prs[i] = delta != 0 || lines != 0 ? pr with { Location = Shift(pr.Location, delta, lines) } : pr;
            }
        }

        var diagnostics = insertedAt.Count == 0
            ? root.Diagnostics
            : root.Diagnostics.Select(d => d with { Line = d.Line + LinesInsertedUpTo(insertedAt, d.Line) }).ToList();
        var display = root.Display is { } range && (displayDelta != 0 || displayLines != 0) ? range.Shift(displayDelta, displayLines) : root.Display;
        return new Layout(prs, diagnostics, display);
    }

    // How many lines were inserted at or before this (original) line; insertedAt is ascending.
    private static int LinesInsertedUpTo(List<int> insertedAt, int line)
    {
        var found = insertedAt.BinarySearch(line);
        return found >= 0 ? found + 1 : ~found;
    }

    // One PR of an edited list, without making the others: O(number of edits).
    private PrEntry EditedEntry(int index)
    {
        int delta = 0, lines = 0;
        var pr = _root!.Prs[index];
        foreach (var e in _edits)
        {
            if (e.Index == index)
            {
                return Edited(pr, e, delta, lines);
            }

            if (e.Index > index)
            {
                break;
            }

            delta += e.Delta;
            lines += e.AddsLine ? 1 : 0;
        }

        return delta != 0 || lines != 0 ? pr with { Location = Shift(pr.Location, delta, lines) } : pr;
    }

    // The edited PR, where its edit put it: delta characters and lines further on, its cold_state value the new one.
    private static PrEntry Edited(PrEntry pr, ColdEdit e, int delta, int lines)
    {
        var loc = pr.Location;
        var moved = Shift(loc, delta, lines);
        var valueStart = moved.InsertAt + loc.KeyIndent + "cold_state: ".Length;
        var location = e.AddsLine
            ? moved with
            {
                ColdStateLine = moved.InsertLine,
                ColdStateStart = valueStart,
                ColdStateEnd = valueStart + StateNames.Of(e.State).Length,
                CloseLine = moved.CloseLine + 1,
            }
            : moved with { ColdStateEnd = moved.ColdStateStart + e.Inserted.Length };
        return pr with { ColdState = e.State, Location = location };
    }

    /// <summary>
    /// Replaces the body of the hot-state display section (between its markers) with
    /// <paramref name="body"/>, or appends the section at the end of the file when it has none.
    /// No PR block is touched. <paramref name="body"/> is written with the file's line endings.
    /// </summary>
    public TaskList WithHotStateDisplay(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var newLine = DominantNewLine();
        var normalized = body.ReplaceLineEndings(newLine);
        if (normalized.Length > 0 && !normalized.EndsWith(newLine, StringComparison.Ordinal))
        {
            normalized += newLine;
        }

        string text;
        if (Display is { } range)
        {
            if (Text.AsSpan(range.BodyStart, range.BodyEnd - range.BodyStart).SequenceEqual(normalized))
            {
                return this;
            }

            text = string.Concat(Text.AsSpan(0, range.BodyStart), normalized, Text.AsSpan(range.BodyEnd));
        }
        else
        {
            var prefix = Text.Length == 0 ? "" : Text.EndsWith('\n') ? newLine : newLine + newLine;
            text = string.Concat(Text, prefix, HotStateDisplay.StartMarker, newLine, normalized, HotStateDisplay.EndMarker, newLine);
        }

        // The display sits outside every PR block, so a re-parse finds the same PRs; it also re-locates the section.
        return Parse(text, HasBom);
    }

    /// <summary>The body of the hot-state display section, or null when the file has none.</summary>
    public string? HotStateDisplayBody => Display is { } r ? Text[r.BodyStart..r.BodyEnd] : null;

    private string DominantNewLine()
    {
        var lf = Text.IndexOf('\n', StringComparison.Ordinal);
        return lf > 0 && Text[lf - 1] == '\r' ? "\r\n" : "\n";
    }

    private static PrLocation Shift(PrLocation l, int delta, int lines) => l with
    {
        HeadingLine = l.HeadingLine + lines,
        OpenLine = l.OpenLine + lines,
        CloseLine = l.CloseLine + lines,
        PrIdLine = l.PrIdLine + lines,
        ColdStateLine = l.ColdStateLine == 0 ? 0 : l.ColdStateLine + lines,
        ColdStateStart = l.ColdStateStart < 0 ? -1 : l.ColdStateStart + delta,
        ColdStateEnd = l.ColdStateStart < 0 ? -1 : l.ColdStateEnd + delta,
        InsertAt = l.InsertAt + delta,
        InsertLine = l.InsertLine + lines,
    };
}
