using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Re-applies an edit to another copy of the task list (working tree, staged): the result, or why not; and whether the
/// edit stays owed to that copy (a PR it names is missing there: see <see cref="PlannedEdit.ApplyTo"/>).
/// </summary>
internal delegate (TaskList? List, string? WhyNot, bool Owed) Reapply(TaskList other);

/// <summary>A commit planned on the branch's task list.</summary>
/// <param name="NewList">The branch's task list with the edit applied.</param>
/// <param name="Message">The commit message.</param>
/// <param name="Changes">The cold-state changes it makes (none for a display sync).</param>
/// <param name="DisplayBody">The display section it writes, for a display sync.</param>
internal sealed record PlannedEdit(TaskList NewList, string Message, IReadOnlyList<ColdChange> Changes, string? DisplayBody = null)
{
    /// <summary>For an addition (<c>thermo add</c>): the PR added, with its id; a copy a person changed gets it too.</summary>
    public NewPr? Addition { get; init; }

    /// <summary>For an edit of a PR's fields (<c>thermo edit</c>): the edit and the fields as the branch had them; a copy a person changed gets it too.</summary>
    public (PrEdit Edit, PrFields Before)? FieldEdit { get; init; }

    /// <summary>The PR an addition or a field edit names, which a working copy must take or the commit is refused.</summary>
    public string? NamedPr => Addition?.Id ?? FieldEdit?.Edit.Id;

    /// <summary>True for a cold-state change (starts the display quiet period).</summary>
    public bool IsColdChange => Changes.Count > 0;

    /// <summary>
    /// <paramref name="changes"/> (and <paramref name="displayBody"/>) applied to a copy a person has edited. A PR whose line
    /// the person changed keeps their value (committing it is their decision); when nothing could be applied, says why.
    /// A PR missing from the copy leaves its change owed: a person deleting it, or a file read while an editor was still
    /// writing it (it parses, and ends early). A commit from that copy would undo the change; the hub commits it again
    /// (see <c>GitColdStore.RestoreDroppedMilestonesAsync</c>) unless the branch no longer has the PR.
    /// </summary>
    public static (TaskList? List, string? WhyNot, bool Owed) ApplyTo(
        TaskList copy, IReadOnlyList<ColdChange> changes, string? displayBody, NewPr? addition = null, (PrEdit Edit, PrFields Before)? fieldEdit = null)
    {
        if (fieldEdit is ({ } edit, { } before))
        {
            if (copy.FieldsOf(edit.Id) is not { } theirs)
            {
                return (null, $"it has no {edit.Id}", false);
            }

            if (ChangedThere(edit, before, theirs) is { } field)
            {
                return (null, $"a person changed {edit.Id}'s {field} there", false);
            }

            try
            {
                copy = copy.WithEditedPr(edit).List;
            }
            catch (Domain.Errors.ThermoclineException ex)
            {
                return (null, $"{edit.Id}'s edit does not fit the changes there: {ex.Message}", false);
            }
        }

        if (addition is not null)
        {
            if (copy.Find(addition.Id!) is not null)
            {
                return (null, $"it has a PR {addition.Id} of its own", false);
            }

            try
            {
                copy = copy.WithAddedPr(addition).List;
            }
            catch (Domain.Errors.ThermoclineException ex)
            {
                return (null, $"{addition.Id} does not fit the changes there: {ex.Message}", false);
            }
        }

        // In order, against the state each PR has by then (an owed edit and this commit's may both name one PR).
        var states = new Dictionary<string, ColdState>(StringComparer.Ordinal);
        var kept = new List<string>();
        foreach (var c in changes)
        {
            if (copy.Find(c.PrId) is not { } pr)
            {
                kept.Add($"{c.PrId} is not in it");
                continue;
            }

            var now = states.TryGetValue(c.PrId, out var s) ? s : pr.ColdState;
            if (now == c.From)
            {
                states[c.PrId] = c.To;
            }
            else if (now != c.To)
            {
                kept.Add($"a person changed {c.PrId}'s cold_state there to {StateNames.Of(now)}; that edit is kept");
            }
        }

        var list = copy.WithColdStates(states.Select(e => (e.Key, e.Value)));
        if (displayBody is { } body)
        {
            list = list.WithHotStateDisplay(body);
        }

        var missing = changes.Any(c => copy.Find(c.PrId) is null);
        return ReferenceEquals(list, copy) && kept.Count > 0 ? (null, string.Join("; ", kept), missing) : (list, null, missing);
    }

    // A field the edit sets that the person's copy already holds otherwise: theirs to commit, not ours to overwrite.
    private static string? ChangedThere(PrEdit edit, PrFields before, PrFields theirs) =>
        edit.Title is not null && theirs.Title != before.Title ? "title"
        : edit.Priority is not null && theirs.Priority != before.Priority ? "priority"
        : (edit.Dependencies ?? edit.AddDependencies) is not null && !theirs.Dependencies.SequenceEqual(before.Dependencies, StringComparer.Ordinal) ? "dependencies"
        : edit.DiscoveredFrom is not null && theirs.DiscoveredFrom != before.DiscoveredFrom ? "discovered_from"
        : edit.Description is not null && theirs.Description != before.Description ? "description"
        : null;
}
