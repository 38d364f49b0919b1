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
    public TaskList WithColdState(string prId, ColdState state)
    {
        EnsureValid();
        var pr = Find(prId) ?? throw ThermoclineException.UnknownPr(prId);
        if (pr.ColdState == state && pr.Location.HasColdState)
        {
            return this;
        }

        var loc = pr.Location;
        var name = StateNames.Of(state);
        int at, removed, linesAdded;
        string inserted;
        if (loc.HasColdState)
        {
            var quote = Text[loc.ColdStateStart];
            inserted = quote is '\'' or '"' ? $"{quote}{name}{quote}" : name;
            at = loc.ColdStateStart;
            removed = loc.ColdStateEnd - loc.ColdStateStart;
            linesAdded = 0;
        }
        else if (loc.InsertAt < 0)
        {
            throw ThermoclineException.BadTaskList(
                $"{prId} (line {loc.OpenLine}) is written as a flow mapping, where a cold_state line cannot be added; add 'cold_state: {StateNames.Of(pr.ColdState)}' to it by hand.");
        }
        else
        {
            inserted = new string(' ', loc.KeyIndent) + "cold_state: " + name + loc.NewLine;
            at = loc.InsertAt;
            removed = 0;
            linesAdded = 1;
        }

        var text = string.Concat(Text.AsSpan(0, at), inserted, Text.AsSpan(at + removed));
        var delta = inserted.Length - removed;
        var prs = new PrEntry[Prs.Count];
        for (var i = 0; i < prs.Length; i++)
        {
            var p = Prs[i];
            if (ReferenceEquals(p, pr))
            {
                var edited = loc.HasColdState
                    ? loc with { ColdStateEnd = loc.ColdStateStart + inserted.Length }
                    : loc with
                    {
                        ColdStateLine = loc.InsertLine,
                        ColdStateStart = at + loc.KeyIndent + "cold_state: ".Length,
                        ColdStateEnd = at + loc.KeyIndent + "cold_state: ".Length + name.Length,
                        CloseLine = loc.CloseLine + 1,
                    };
                prs[i] = p with { ColdState = state, Location = edited };
            }
            else
            {
                prs[i] = p.Location.HeadingLine > loc.HeadingLine ? p with { Location = Shift(p.Location, delta, linesAdded) } : p;
            }
        }

        var diagnostics = linesAdded == 0
            ? Diagnostics
            : Diagnostics.Select(d => d.Line >= loc.InsertLine ? d with { Line = d.Line + linesAdded } : d).ToList();
        var display = Display is { } r && r.Start > at ? r.Shift(delta, linesAdded) : Display;
        return new TaskList(text, HasBom, prs, diagnostics, display);
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
