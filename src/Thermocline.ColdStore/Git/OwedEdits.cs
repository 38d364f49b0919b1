using System.Text;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Cold-state edits that are committed but not yet in the working copy, because it could not take them: a person's
/// half-finished edit that does not parse, a write that failed. Until they are applied, a <c>git commit -a</c> from
/// that copy would revert them, so they are applied as soon as the copy allows (next commit, the watcher, the
/// reconciliation cycle). Kept in <c>.git/thermocline/owed-edits</c> too, so a crash does not forget them.
/// </summary>
internal sealed class OwedEdits
{
    private readonly string _file;
    private readonly Dictionary<string, ColdChange> _changes = new(StringComparer.Ordinal);

    public OwedEdits(string stateDir)
    {
        _file = Path.Combine(stateDir, "owed-edits");
        if (File.Exists(_file))
        {
            foreach (var line in File.ReadAllLines(_file, Encoding.UTF8))
            {
                var parts = line.Split(' ');
                if (parts.Length == 3 && StateNames.TryParseCold(parts[1], out var from) && StateNames.TryParseCold(parts[2], out var to))
                {
                    _changes[parts[0]] = new ColdChange(parts[0], from, to);
                }
            }
        }
    }

    /// <summary>True when nothing is owed.</summary>
    public bool IsEmpty => _changes.Count == 0;

    /// <summary>The owed changes.</summary>
    public IReadOnlyCollection<ColdChange> Changes => _changes.Values;

    /// <summary>Owes <paramref name="changes"/> too; a PR owed already keeps its first From (the copy still shows that).</summary>
    public void Add(IEnumerable<ColdChange> changes)
    {
        foreach (var c in changes)
        {
            _changes[c.PrId] = _changes.TryGetValue(c.PrId, out var owed) && owed.To == c.From ? owed with { To = c.To } : c;
        }

        Save();
    }

    /// <summary>Keeps only the owed changes <paramref name="keep"/> accepts (the branch still has their PR).</summary>
    public void Retain(Func<ColdChange, bool> keep)
    {
        var gone = _changes.Values.Where(c => !keep(c)).Select(c => c.PrId).ToList();
        if (gone.Count > 0)
        {
            gone.ForEach(id => _changes.Remove(id));
            if (_changes.Count == 0)
            {
                File.Delete(_file);
            }
            else
            {
                Save();
            }
        }
    }

    /// <summary>
    /// The owed edits a copy of <paramref name="tip"/> can take: those whose PR the branch shows where they lead. One whose
    /// PR it shows where it started was undone by a commit from the copy that lacked it; it stays owed until the restore
    /// has looked at it (see <c>GitColdStore.RestoreDroppedMilestonesAsync</c>). Any other is dropped: the PR is gone, or
    /// someone has moved it on since.
    /// </summary>
    public IReadOnlyList<ColdChange> Applicable(TaskList tip)
    {
        Retain(c => tip.Find(c.PrId)?.ColdState is { } now && (now == c.From || now == c.To));
        return [.. _changes.Values.Where(c => tip.Find(c.PrId)!.ColdState == c.To)];
    }

    /// <summary>The owed edits a copy of <paramref name="tip"/> can take, followed by <paramref name="then"/>: what a copy that missed them needs, in one list.</summary>
    public IReadOnlyList<ColdChange> With(TaskList tip, IReadOnlyList<ColdChange> then)
    {
        if (_changes.Count == 0)
        {
            return then;
        }

        var all = Applicable(tip).ToDictionary(c => c.PrId, StringComparer.Ordinal);
        foreach (var c in then)
        {
            all[c.PrId] = all.TryGetValue(c.PrId, out var owed) && owed.To == c.From ? owed with { To = c.To } : c;
        }

        return [.. all.Values];
    }

    private void Save()
    {
        var temp = _file + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        File.WriteAllLines(temp, _changes.Values.Select(c => $"{c.PrId} {StateNames.Of(c.From)} {StateNames.Of(c.To)}"), Encoding.UTF8);
        File.Move(temp, _file, overwrite: true);
    }
}
