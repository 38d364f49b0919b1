using System.Text;

namespace Thermocline.Domain.TaskLists.Merging;

/// <summary>
/// A three-way merge of task lists by PR block (<c>thermo merge-driver</c>), in two steps: <see cref="Prepare"/> parses the
/// three versions and names the <see cref="Disputes"/> (PRs whose <c>cold_state</c> both sides changed), for which the
/// caller reads each side's milestones from git; <see cref="Complete"/> merges.
/// <list type="bullet">
/// <item>PRs are matched by <c>pr_id</c>. A block changed on one side is that side's; added on one side, it is added (after
/// the PR it followed); deleted on one side and unchanged on the other, deleted; changed the same way on both, once.</item>
/// <item>A block both sides changed is merged part by part (heading, each top-level field, the markdown under it — that
/// line by line); a part both changed differently is a conflict, except <c>cold_state</c>, which
/// <see cref="ColdStateArbiter"/> decides by the fences of the sides' milestones when it can.</item>
/// <item>A conflict in a PR — a field both changed differently, a PR added on both sides with different content, a PR
/// deleted on one side and changed on the other — leaves git's markers around the block's two versions (each with every
/// part that did merge), so one id never gets two blocks.</item>
/// <item>Every other line (prose, headings, rules) is merged line by line as git would, with the PRs' places as anchors;
/// the hot-state display section takes ours when both changed it (the hub rewrites it).</item>
/// </list>
/// Every byte neither side changed is kept: line endings, the byte-order mark, quoting, comments. A merge that cannot be
/// done by block (an input that does not parse) is refused (<see cref="Refusal"/>), for the caller's whole-file fallback.
/// </summary>
public sealed partial class TaskListMerge
{
    private readonly MergeDocument? _ancestor;
    private readonly MergeDocument? _ours;
    private readonly MergeDocument? _theirs;

    private TaskListMerge(string refusal)
    {
        Refusal = refusal;
        Disputes = [];
    }

    private TaskListMerge(MergeDocument ancestor, MergeDocument ours, MergeDocument theirs)
    {
        (_ancestor, _ours, _theirs) = (ancestor, ours, theirs);
        Disputes = FindDisputes();
    }

    /// <summary>Why the lists cannot be merged by block (for a whole-file merge instead); null when they can.</summary>
    public string? Refusal { get; }

    /// <summary>The PRs whose <c>cold_state</c> both sides changed to different states, in our file order.</summary>
    public IReadOnlyList<ColdStateDispute> Disputes { get; }

    /// <summary>Parses the three versions; see <see cref="Refusal"/> for lists that cannot be merged by block.</summary>
    public static TaskListMerge Prepare(ReadOnlySpan<byte> ancestor, ReadOnlySpan<byte> ours, ReadOnlySpan<byte> theirs)
    {
        var lists = new List<TaskList>(3);
        foreach (var (name, bytes) in new[] { ("the ancestor", ancestor.ToArray()), ("ours", ours.ToArray()), ("theirs", theirs.ToArray()) })
        {
            var list = TaskList.Parse(bytes);
            if (list.HasErrors)
            {
                var first = list.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
                return new TaskListMerge($"{name} does not parse as a task list (line {first.Line}: {first.Message})");
            }

            lists.Add(list);
        }

        return new TaskListMerge(MergeDocument.Cut(lists[0]), MergeDocument.Cut(lists[1]), MergeDocument.Cut(lists[2]));
    }

    /// <summary>
    /// Merges, deciding each dispute from <paramref name="evidence"/> (by PR id; a dispute without evidence is a conflict).
    /// Throws when the merge was refused.
    /// </summary>
    public TaskListMergeResult Complete(IReadOnlyDictionary<string, ColdStateEvidence>? evidence = null)
    {
        if (_ancestor is null || _ours is null || _theirs is null)
        {
            throw new InvalidOperationException($"the lists cannot be merged by block: {Refusal}.");
        }

        var notes = new List<MergeNote>();
        var items = MergeSkeleton(notes);
        var outcomes = new Dictionary<string, PrOutcome>(StringComparer.Ordinal);
        foreach (var id in _ours.List.Prs.Select(p => p.Id).Concat(_theirs.List.Prs.Select(p => p.Id)).Distinct(StringComparer.Ordinal))
        {
            outcomes[id] = MergePr(id, evidence, notes);
        }

        PlaceMissing(items, outcomes);
        var text = Render(items, outcomes);
        var bom = _ours.List.HasBom == _theirs.List.HasBom || _ours.List.HasBom != _ancestor.List.HasBom ? _ours.List.HasBom : _theirs.List.HasBom;
        var merged = TaskList.Parse(text, bom);
        if (!notes.Any(n => n.IsConflict) && merged.HasErrors)
        {
            var first = merged.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
            notes.Add(new MergeNote(first.PrId, $"the merged task list does not validate (line {first.Line}: {first.Message}); each side's change was kept, the list needs a person's fix", true));
        }

        return new TaskListMergeResult(Encode(text, bom), notes);
    }

    private List<ColdStateDispute> FindDisputes()
    {
        var disputes = new List<ColdStateDispute>();
        foreach (var pr in _ours!.List.Prs)
        {
            if (_ancestor!.List.Find(pr.Id) is { } b && _theirs!.List.Find(pr.Id) is { } t
                && pr.ColdState != b.ColdState && t.ColdState != b.ColdState && pr.ColdState != t.ColdState)
            {
                disputes.Add(new ColdStateDispute(pr.Id, b.ColdState, pr.ColdState, t.ColdState));
            }
        }

        return disputes;
    }

    // The skeletons merged into a list of items: lines of the file, tokens standing for PRs and the display, markers.
    private List<Item> MergeSkeleton(List<MergeNote> notes)
    {
        var (b, o, t) = (_ancestor!.Skeleton, _ours!.Skeleton, _theirs!.Skeleton);
        var items = new List<Item>(o.Count + 8);
        foreach (var h in LineMerge.Merge(b, o, t))
        {
            switch (h.Kind)
            {
                case HunkKind.Theirs:
                    items.AddRange(Items(t, h.TheirsStart, h.TheirsEnd));
                    break;
                case HunkKind.Conflict:
                    MergeConflictingHunk(h, items, notes);
                    break;
                default:
                    items.AddRange(Items(o, h.OursStart, h.OursEnd));
                    break;
            }
        }

        return items;
    }

    // Both sides changed the same run of the skeleton. Its PRs are merged by id anyway: only the prose lines between
    // them decide. When those merge (one side left them alone), the side that changed them gives the frame and the other
    // side's extra PRs go after the PR they followed there (both sides' new PRs are kept: two agents' additions at the end
    // of the list are the common case). When both changed the prose, it is a conflict; the PRs follow it.
    private void MergeConflictingHunk(Hunk h, List<Item> items, List<MergeNote> notes)
    {
        var (b, o, t) = (_ancestor!.Skeleton, _ours!.Skeleton, _theirs!.Skeleton);
        var bp = Prose(b, h.BaseStart, h.BaseEnd);
        var op = Prose(o, h.OursStart, h.OursEnd);
        var tp = Prose(t, h.TheirsStart, h.TheirsEnd);
        var oursTokens = Tokens(o, h.OursStart, h.OursEnd);
        var theirsTokens = Tokens(t, h.TheirsStart, h.TheirsEnd);
        if (op.SequenceEqual(tp, StringComparer.Ordinal) || op.SequenceEqual(bp, StringComparer.Ordinal) || tp.SequenceEqual(bp, StringComparer.Ordinal))
        {
            var theirsFrame = op.SequenceEqual(bp, StringComparer.Ordinal) && !tp.SequenceEqual(bp, StringComparer.Ordinal);
            var frame = theirsFrame ? Items(t, h.TheirsStart, h.TheirsEnd) : Items(o, h.OursStart, h.OursEnd);
            var others = theirsFrame ? oursTokens : theirsTokens;
            // Ours' new PRs go before theirs where neither side says otherwise: ours' at the frame's first PR (or start),
            // theirs' after its last PR (or end).
            string? previous = null;
            foreach (var token in others)
            {
                if (!frame.Any(i => i.Token == token))
                {
                    var first = frame.FindIndex(i => i.Token is not null);
                    var at = previous is not null && frame.FindIndex(i => i.Token == previous) is var p and >= 0 ? p + 1
                        : theirsFrame ? Math.Max(first, 0)
                        : first < 0 ? frame.Count : frame.FindLastIndex(i => i.Token is not null) + 1;
                    frame.Insert(at, Item.ForToken(token));
                }

                previous = token;
            }

            items.AddRange(frame);
            return;
        }

        var near = MergeDocument.PrOf(oursTokens.FirstOrDefault() ?? "") ?? PreviousPr(o, h.OursStart);
        notes.Add(new MergeNote(null, $"text outside PR blocks changed on both sides{(near is null ? " at the top of the file" : $" near {near}")}; left as a conflict", true));
        items.Add(Item.ForMarker(ConflictMarkers.Ours));
        items.AddRange(op.Select(Item.ForLine));
        items.Add(Item.ForMarker(ConflictMarkers.Separator));
        items.AddRange(tp.Select(Item.ForLine));
        items.Add(Item.ForMarker(ConflictMarkers.Theirs));
        items.AddRange(oursTokens.Concat(theirsTokens.Except(oursTokens, StringComparer.Ordinal)).Select(Item.ForToken));
    }

    // A PR that both sides keep (or a conflict about it) whose place the skeleton lost, because one side deleted it:
    // after the PR it followed on the side that has it, else before the first PR.
    private void PlaceMissing(List<Item> items, Dictionary<string, PrOutcome> outcomes)
    {
        var present = items.Where(i => i.Token is not null).Select(i => i.Token!).ToHashSet(StringComparer.Ordinal);
        foreach (var side in new[] { _ours!, _theirs! })
        {
            string? previous = null;
            foreach (var token in side.Skeleton.Where(MergeDocument.IsToken))
            {
                if (!present.Contains(token) && (MergeDocument.PrOf(token) is not { } id || outcomes[id].Text is not null))
                {
                    var after = previous is null ? -1 : items.FindIndex(i => i.Token == previous);
                    var at = after >= 0 ? after + 1 : items.FindIndex(i => i.Token is not null);
                    items.Insert(at < 0 ? items.Count : at, Item.ForToken(token));
                    present.Add(token);
                }

                // Only a PR that is in the merged list can be one to follow.
                previous = present.Contains(token) ? token : previous;
            }
        }
    }

    private string Render(List<Item> items, Dictionary<string, PrOutcome> outcomes)
    {
        var nl = _ours!.NewLine;
        var text = new StringBuilder(_ours.List.Text.Length + 256);
        var rendered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            // Only a file's last line lacks a line break: whatever comes after it starts on a line of its own.
            if (item.Line is { } line)
            {
                EndLine(text, nl).Append(line);
                continue;
            }

            if (item.Marker is { } marker)
            {
                EndLine(text, nl).Append(marker).Append(nl);
                continue;
            }

            if (!rendered.Add(item.Token!))
            {
                continue;
            }

            var unit = MergeDocument.PrOf(item.Token!) is { } id ? outcomes[id].Text : MergeDisplay();
            if (!string.IsNullOrEmpty(unit))
            {
                EndLine(text, nl).Append(unit);
            }
        }

        return text.ToString();
    }

    // Both changed the display: ours (the hub writes it again within its cycle).
    private string? MergeDisplay()
    {
        var (b, o, t) = (_ancestor!.Display, _ours!.Display, _theirs!.Display);
        return o == t || t == b ? o : o == b ? t : o;
    }

    private static StringBuilder EndLine(StringBuilder text, string nl) => text.Length > 0 && text[^1] != '\n' ? text.Append(nl) : text;

    private static List<string> Prose(List<string> skeleton, int start, int end) =>
        skeleton.Skip(start).Take(end - start).Where(l => !MergeDocument.IsToken(l)).ToList();

    private static List<string> Tokens(List<string> skeleton, int start, int end) =>
        skeleton.Skip(start).Take(end - start).Where(MergeDocument.IsToken).ToList();

    private static List<Item> Items(List<string> skeleton, int start, int end) =>
        skeleton.Skip(start).Take(end - start).Select(l => MergeDocument.IsToken(l) ? Item.ForToken(l) : Item.ForLine(l)).ToList();

    private static string? PreviousPr(List<string> skeleton, int before)
    {
        for (var i = Math.Min(before, skeleton.Count) - 1; i >= 0; i--)
        {
            if (MergeDocument.PrOf(skeleton[i]) is { } id)
            {
                return id;
            }
        }

        return null;
    }

    private static byte[] Encode(string text, bool bom)
    {
        var body = Encoding.UTF8.GetBytes(text);
        return bom ? [.. Encoding.UTF8.Preamble, .. body] : body;
    }

    /// <summary>One item of the merged skeleton: a line of the file, a token, or a conflict marker.</summary>
    private readonly record struct Item(string? Line, string? Token, string? Marker)
    {
        public static Item ForLine(string line) => new(line, null, null);

        public static Item ForToken(string token) => new(null, token, null);

        public static Item ForMarker(string marker) => new(null, null, marker);
    }
}
