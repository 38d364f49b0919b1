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
    /// Sets many PRs' cold states in one pass over the file (O(size of the file), whatever the number of changes): the
    /// same bytes as <see cref="WithColdState"/> applied once per change. All or nothing: throws, changing nothing, when
    /// the list has errors, a PR is unknown or named twice, or a flow-style block would need a line added.
    /// </summary>
    public TaskList WithColdStates(IEnumerable<(string PrId, ColdState State)> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        EnsureValid();
        var edits = new List<(int Index, ColdState State, string Inserted)>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (prId, state) in states)
        {
            if (!named.Add(prId))
            {
                throw new ArgumentException($"{prId} is named twice in one edit.", nameof(states));
            }

            var index = _index.TryGetValue(prId, out var i) ? i : throw ThermoclineException.UnknownPr(prId);
            var pr = Prs[index];
            var loc = pr.Location;
            var name = StateNames.Of(state);
            if (loc.HasColdState)
            {
                if (pr.ColdState != state)
                {
                    var quote = Text[loc.ColdStateStart];
                    edits.Add((index, state, quote is '\'' or '"' ? $"{quote}{name}{quote}" : name));
                }
            }
            else if (loc.InsertAt < 0)
            {
                throw ThermoclineException.BadTaskList(
                    $"{prId} (line {loc.OpenLine}) is written as a flow mapping, where a cold_state line cannot be added; add 'cold_state: {StateNames.Of(pr.ColdState)}' to it by hand.");
            }
            else
            {
                edits.Add((index, state, new string(' ', loc.KeyIndent) + "cold_state: " + name + loc.NewLine));
            }
        }

        if (edits.Count == 0)
        {
            return this;
        }

        // Blocks are in file order and never overlap, so sorting by PR sorts the edits by offset. One copy of the text,
        // each later PR's location shifted by what the edits before it added; ids and their order stay, so does the index.
        edits.Sort((a, b) => a.Index.CompareTo(b.Index));
        var pieces = new List<(int Start, int Length, string? Inserted)>((edits.Count * 2) + 1);
        var prs = Prs.ToArray();
        var insertedAt = new List<int>();
        int copied = 0, delta = 0, lines = 0, next = 0, displayDelta = 0, displayLines = 0;
        for (var i = 0; i < prs.Length; i++)
        {
            var loc = prs[i].Location;
            if (next < edits.Count && edits[next].Index == i)
            {
                var (_, state, inserted) = edits[next++];
                var at = loc.HasColdState ? loc.ColdStateStart : loc.InsertAt;
                var removed = loc.HasColdState ? loc.ColdStateEnd - loc.ColdStateStart : 0;
                pieces.Add((copied, at - copied, null));
                pieces.Add((0, inserted.Length, inserted));
                copied = at + removed;
                var moved = Shift(loc, delta, lines);
                var valueStart = moved.InsertAt + loc.KeyIndent + "cold_state: ".Length;
                var edited = loc.HasColdState
                    ? moved with { ColdStateEnd = moved.ColdStateStart + inserted.Length }
                    : moved with
                    {
                        ColdStateLine = moved.InsertLine,
                        ColdStateStart = valueStart,
                        ColdStateEnd = valueStart + StateNames.Of(state).Length,
                        CloseLine = moved.CloseLine + 1,
                    };
                prs[i] = prs[i] with { ColdState = state, Location = edited };
                delta += inserted.Length - removed;
                if (!loc.HasColdState)
                {
                    insertedAt.Add(loc.InsertLine);
                    lines++;
                }

                if (Display is { } r && r.Start > at)
                {
                    displayDelta += inserted.Length - removed;
                    displayLines += loc.HasColdState ? 0 : 1;
                }
            }
            else if (delta != 0 || lines != 0)
            {
                prs[i] = prs[i] with { Location = Shift(loc, delta, lines) };
            }
        }

        pieces.Add((copied, Text.Length - copied, null));
        var diagnostics = insertedAt.Count == 0
            ? Diagnostics
            : Diagnostics.Select(d => d with { Line = d.Line + LinesInsertedUpTo(insertedAt, d.Line) }).ToList();
        var display = Display is { } range && (displayDelta != 0 || displayLines != 0) ? range.Shift(displayDelta, displayLines) : Display;
        var text = string.Create(Text.Length + delta, (Text, pieces), static (span, state) =>
        {
            foreach (var (start, length, inserted) in state.pieces)
            {
                (inserted ?? state.Text).AsSpan(start, length).CopyTo(span);
                span = span[length..];
            }
        });
        return new TaskList(text, HasBom, prs, diagnostics, display, _index);
    }

    // How many lines were inserted at or before this (original) line; insertedAt is ascending.
    private static int LinesInsertedUpTo(List<int> insertedAt, int line)
    {
        var found = insertedAt.BinarySearch(line);
        return found >= 0 ? found + 1 : ~found;
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
