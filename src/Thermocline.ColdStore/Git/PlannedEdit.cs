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

    /// <summary>True for a cold-state change (starts the display quiet period).</summary>
    public bool IsColdChange => Changes.Count > 0;

    /// <summary>
    /// <paramref name="changes"/> (and <paramref name="displayBody"/>) applied to a copy a person has edited. A PR whose line
    /// the person changed keeps their value (committing it is their decision); when nothing could be applied, says why.
    /// A PR missing from the copy leaves its change owed: a person deleting it, or a file read while an editor was still
    /// writing it (it parses, and ends early). A commit from that copy would undo the change; the hub commits it again
    /// (see <c>GitColdStore.RestoreDroppedMilestonesAsync</c>) unless the branch no longer has the PR.
    /// </summary>
    public static (TaskList? List, string? WhyNot, bool Owed) ApplyTo(TaskList copy, IReadOnlyList<ColdChange> changes, string? displayBody, NewPr? addition = null)
    {
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
}
