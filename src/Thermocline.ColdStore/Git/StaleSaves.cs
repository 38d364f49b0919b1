using Thermocline.Domain.Commits;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// The hub's recent writes of the working-tree task list, to recognise a save from an editor buffer (or a script) that
/// read the file before one of them: it was read, the hub wrote a milestone into it, and the stale buffer was saved over
/// that. Such a save shows, for a PR the hub just moved, exactly the state the hub moved it from, beside the person's
/// other edits. A save within <see cref="ColdStoreOptions.StaleSaveWindow"/> of the hub's write that shows that is taken
/// for stale: the change is owed to that copy again, or, when the save was already committed, committed again
/// (<c>GitColdStore.RestoreDroppedMilestonesAsync</c>). One that changes nothing but undoing the hub's change is the
/// person's own undo (git wins).
/// A window of zero turns it off. Kept in memory only: after a restart the window has passed.
/// </summary>
internal sealed class StaleSaves(TimeSpan window)
{
    private const int Kept = 32;

    private readonly List<(DateTime At, long Length, IReadOnlyList<ColdChange> Changes)> _writes = [];

    /// <summary>The hub wrote the file (its modification time and length), applying <paramref name="changes"/>.</summary>
    public void Record((DateTime At, long Length) written, IReadOnlyList<ColdChange> changes)
    {
        _writes.Add((written.At, written.Length, changes));
        if (_writes.Count > Kept)
        {
            _writes.RemoveAt(0);
        }
    }

    /// <summary>
    /// True when a file last written at <paramref name="savedAt"/> with <paramref name="length"/> bytes may be a stale save:
    /// a write with changes lies in the window before it, and it is not the hub's own last write.
    /// </summary>
    public bool MayHaveSavedOver(DateTime savedAt, long length) =>
        window > TimeSpan.Zero && _writes.Count > 0 && (savedAt, length) != (_writes[^1].At, _writes[^1].Length)
        && _writes.Any(w => w.Changes.Count > 0 && savedAt >= w.At && savedAt <= w.At + window);

    /// <summary>
    /// The changes a copy saved at <paramref name="savedAt"/> lacks because it was read before the hub's write that made
    /// them: for each PR one of those writes moved, the state the copy shows is the one a write in the window moved it from,
    /// and <paramref name="committed"/> (the list the copy should have been based on) shows where the hub's writes took it.
    /// <paramref name="slack"/> allows for a save time with whole seconds only (a commit's).
    /// </summary>
    public List<ColdChange> Lacking(DateTime savedAt, TaskList copy, TaskList committed, TimeSpan slack = default)
    {
        var lacking = new List<ColdChange>();
        if (window <= TimeSpan.Zero)
        {
            return lacking;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var inWindow = _writes.Where(w => savedAt + slack >= w.At && savedAt <= w.At + window).SelectMany(w => w.Changes).ToList();
        foreach (var change in inWindow)
        {
            if (!seen.Add(change.PrId) || copy.Find(change.PrId)?.ColdState is not { } saved || committed.Find(change.PrId)?.ColdState is not { } now)
            {
                continue;
            }

            // The copy shows a state one of the writes in the window moved the PR from; the branch, where one of them took it.
            if (saved != now && inWindow.Any(c => c.PrId == change.PrId && c.From == saved) && inWindow.Any(c => c.PrId == change.PrId && c.To == now))
            {
                lacking.Add(new ColdChange(change.PrId, saved, now));
            }
        }

        // A copy that differs from the branch in nothing but undoing those changes is a person's own undo, made on purpose
        // (git wins): a stale buffer carries the person's other edits too.
        if (lacking.Count > 0 && copy.WithColdStates(lacking.Select(c => (c.PrId, c.To))).ToBytes().AsSpan().SequenceEqual(committed.ToBytes()))
        {
            lacking.Clear();
        }

        return lacking;
    }
}
