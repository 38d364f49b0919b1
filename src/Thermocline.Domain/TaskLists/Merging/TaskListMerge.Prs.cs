using System.Text;

namespace Thermocline.Domain.TaskLists.Merging;

public sealed partial class TaskListMerge
{
    // One PR's merged unit: its text (null: deleted), markers included when it is a conflict.
    private sealed record PrOutcome(string? Text);

    private PrOutcome MergePr(string id, IReadOnlyDictionary<string, ColdStateEvidence>? evidence, List<MergeNote> notes)
    {
        _ancestor!.Prs.TryGetValue(id, out var b);
        _ours!.Prs.TryGetValue(id, out var o);
        _theirs!.Prs.TryGetValue(id, out var t);
        if (o is null && t is null)
        {
            return new PrOutcome(null);
        }

        if (b is null)
        {
            if (o is not null && t is not null && o.Text != t.Text)
            {
                notes.Add(new MergeNote(id, $"{id} was added on both sides with different content; left as a conflict (keep one block, or combine them under one pr_id)", true));
                return new PrOutcome(Markers(o.Text, t.Text));
            }

            return new PrOutcome((o ?? t)!.Text);
        }

        if (o is null || t is null)
        {
            var kept = (o ?? t)!;
            if (kept.Text == b.Text)
            {
                return new PrOutcome(null);
            }

            var deleter = o is null ? "ours" : "theirs";
            notes.Add(new MergeNote(id, $"{id} was deleted on {deleter} and changed on the other side; left as a conflict (keep the block or delete it)", true));
            return new PrOutcome(o is null ? Markers("", t!.Text) : Markers(o.Text, ""));
        }

        if (o.Text == t.Text || t.Text == b.Text)
        {
            return new PrOutcome(o.Text);
        }

        if (o.Text == b.Text)
        {
            return new PrOutcome(t.Text);
        }

        return MergeFields(id, b, o, t, evidence, notes);
    }

    // Both changed the block: part by part. A conflicting part makes the PR a conflict whose two versions hold every part
    // that merged, and differ only where the sides do.
    private PrOutcome MergeFields(string id, PrUnit b, PrUnit o, PrUnit t, IReadOnlyDictionary<string, ColdStateEvidence>? evidence, List<MergeNote> notes)
    {
        var ancestor = b.Parts.ToDictionary(p => p.Key, p => p.Text, StringComparer.Ordinal);
        var ours = o.Parts.ToDictionary(p => p.Key, p => p.Text, StringComparer.Ordinal);
        var theirs = t.Parts.ToDictionary(p => p.Key, p => p.Text, StringComparer.Ordinal);
        var merged = new List<(string Key, string? Ours, string? Theirs)>();
        var conflicts = new List<string>();
        foreach (var key in KeyOrder(o.Parts, t.Parts))
        {
            var (bt, ot, tt) = (ancestor.GetValueOrDefault(key), ours.GetValueOrDefault(key), theirs.GetValueOrDefault(key));
            // Null is a part the side does not have: absent on both, deleted by one, added by one.
            var (result, decided) = ot == tt || tt == bt ? (ot, true) : ot == bt ? (tt, true) : (null, false);
            if (!decided && key == "body" && MergeLines(bt ?? "", ot ?? "", tt ?? "") is { } body)
            {
                (result, decided) = (body, true);
            }
            else if (!decided && key == "field:cold_state")
            {
                (result, decided) = DecideColdState(id, b, o, t, ot, tt, evidence, notes);
            }

            if (decided)
            {
                merged.Add((key, result, result));
            }
            else
            {
                conflicts.Add(key.StartsWith("field:", StringComparison.Ordinal) ? key["field:".Length..] : key);
                merged.Add((key, ot, tt));
            }
        }

        var oursVersion = string.Concat(merged.Select(m => m.Ours));
        if (conflicts.Count == 0)
        {
            return new PrOutcome(oursVersion);
        }

        notes.Add(new MergeNote(id, $"{id}: {string.Join(", ", conflicts)} changed differently on both sides; left as a conflict (keep one version of the block, or combine them)", true));
        return new PrOutcome(Markers(oursVersion, string.Concat(merged.Select(m => m.Theirs))));
    }

    private static (string? Text, bool Decided) DecideColdState(
        string id, PrUnit b, PrUnit o, PrUnit t, string? ot, string? tt, IReadOnlyDictionary<string, ColdStateEvidence>? evidence, List<MergeNote> notes)
    {
        // The lines differ; the states may not (a quoting change): only a change of state on both sides is disputed.
        var (bs, os, ts) = (b.Entry.ColdState, o.Entry.ColdState, t.Entry.ColdState);
        if (os == ts || ts == bs)
        {
            return (ot, true);
        }

        if (os == bs)
        {
            return (tt, true);
        }

        var (winner, reason) = ColdStateArbiter.Decide(new ColdStateDispute(id, bs, os, ts), evidence?.GetValueOrDefault(id));
        notes.Add(new MergeNote(id, $"{id}: {reason}", winner is null));
        return winner switch
        {
            MergeSide.Ours => (ot, true),
            MergeSide.Theirs => (tt, true),
            _ => (null, false),
        };
    }

    // Ours' order; a part only theirs has goes after the part it follows there.
    private static List<string> KeyOrder(IReadOnlyList<(string Key, string Text)> ours, IReadOnlyList<(string Key, string Text)> theirs)
    {
        var order = ours.Select(p => p.Key).ToList();
        string? previous = null;
        foreach (var (key, _) in theirs)
        {
            if (!order.Contains(key))
            {
                order.Insert(previous is null ? 0 : order.IndexOf(previous) + 1, key);
            }

            previous = key;
        }

        return order;
    }

    // A line-by-line merge of a text, or null when both sides changed the same lines.
    private static string? MergeLines(string ancestor, string ours, string theirs)
    {
        var (b, o, t) = (MergeDocument.SplitLines(ancestor), MergeDocument.SplitLines(ours), MergeDocument.SplitLines(theirs));
        var text = new StringBuilder(ours.Length + theirs.Length);
        foreach (var h in LineMerge.Merge(b, o, t))
        {
            switch (h.Kind)
            {
                case HunkKind.Conflict:
                    return null;
                case HunkKind.Theirs:
                    text.AppendJoin("", t.Skip(h.TheirsStart).Take(h.TheirsEnd - h.TheirsStart));
                    break;
                default:
                    text.AppendJoin("", o.Skip(h.OursStart).Take(h.OursEnd - h.OursStart));
                    break;
            }
        }

        return text.ToString();
    }

    private string Markers(string ours, string theirs)
    {
        var nl = _ours!.NewLine;
        var text = new StringBuilder(ours.Length + theirs.Length + 48).Append(ConflictMarkers.Ours).Append(nl);
        Append(text, ours, nl).Append(ConflictMarkers.Separator).Append(nl);
        return Append(text, theirs, nl).Append(ConflictMarkers.Theirs).Append(nl).ToString();
    }

    private static StringBuilder Append(StringBuilder text, string version, string nl) =>
        version.Length == 0 || version.EndsWith('\n') ? text.Append(version) : text.Append(version).Append(nl);
}
