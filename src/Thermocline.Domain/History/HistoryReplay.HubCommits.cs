using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.History;

public sealed partial class HistoryReplay
{
    // A commit the hub made again after a person's reset, merge or stale save undid it: it repeats the original's message
    // (lease included) with this line added, and applies only the changes the branch still lacks.
    private const string RestoredLine = "\nRestored: ";

    private static bool IsRestored(HistoryCommit commit) => commit.Message.Contains(RestoredLine, StringComparison.Ordinal);

    // The sha a restored commit names ("Restored: <sha> was dropped …"), or null.
    private static string? RestoredSha(HistoryCommit commit)
    {
        var at = commit.Message.IndexOf(RestoredLine, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = commit.Message.AsSpan(at + RestoredLine.Length);
        var end = rest.IndexOfAny(' ', '\n');
        return (end < 0 ? rest : rest[..end]).ToString();
    }

    private void CheckTransition(HistoryCommit commit, List<Milestone> milestones, List<Delta> diff, TaskList? before)
    {
        if (milestones is not [var m])
        {
            return;
        }

        var to = StateNames.Of(m.To);
        var said = $"the message records {m.PrId}: {m.From} → {to}";
        var delta = diff.FirstOrDefault(d => d.Pr == m.PrId);
        var was = before?.Find(m.PrId)?.ColdState;
        var backWhereItWas = delta.Pr is null && m.From.IsHot && was == m.To;
        if (!backWhereItWas && (delta.Pr is null || delta.To != m.To))
        {
            Find(commit, AuditFindingKind.MessageMismatch, delta.Pr is null
                ? $"{said}, but the task list leaves {m.PrId} {Name(was)}"
                : $"{said}, but the task list changes it {Name(delta.From)} → {Name(delta.To)}", m.PrId);
        }

        foreach (var other in diff.Where(d => d.Pr != m.PrId))
        {
            Find(commit, AuditFindingKind.MessageMismatch, $"{said}, but the commit also changes {other.Pr}: {Name(other.From)} → {Name(other.To)}", other.Pr);
        }

        if (was is { } cold)
        {
            if (m.From.IsCold && m.From.Cold != cold)
            {
                Find(commit, AuditFindingKind.MessageMismatch, $"{said}, but {m.PrId} was {StateNames.Of(cold)} before it", m.PrId);
            }
            else if (!TransitionTable.IsAllowed(m.From, m.To))
            {
                Find(commit, AuditFindingKind.DisallowedTransition, $"{m.PrId}: {m.From} → {to} is not an allowed transition (SPEC.md's table)", m.PrId);
            }
            else if (m.From.IsHot && !StateMachine.HotStatesConsistentWith(cold).Contains(m.From.Hot))
            {
                Find(commit, AuditFindingKind.DisallowedTransition,
                    $"{m.PrId}: {m.From} → {to} from cold state {StateNames.Of(cold)}, which no claim takes to {m.From}", m.PrId);
            }
        }

        CheckFence(commit, m);
    }

    private void CheckDependencies(HistoryCommit commit, List<Milestone> milestones, List<Delta> diff)
    {
        var restored = IsRestored(commit);
        foreach (var m in milestones)
        {
            var said = $"the message lists {m.PrId}: {m.From} → {StateNames.Of(m.To)}";
            var delta = diff.FirstOrDefault(d => d.Pr == m.PrId);
            if (delta.Pr is null && restored)
            {
                continue; // a restore applies only what the branch still lacks
            }

            if (delta.Pr is null || delta.To != m.To)
            {
                Find(commit, AuditFindingKind.MessageMismatch, delta.Pr is null
                    ? $"{said}, but the task list leaves it as it was"
                    : $"{said}, but the task list changes it {Name(delta.From)} → {Name(delta.To)}", m.PrId);
            }
            else if (delta.From is not { } from || from != m.From.Cold)
            {
                Find(commit, AuditFindingKind.MessageMismatch, $"{said}, but it was {Name(delta.From)} before it", m.PrId);
            }
            else if (!TransitionTable.IsAllowed(m.From, m.To))
            {
                Find(commit, AuditFindingKind.DisallowedTransition, $"{m.PrId}: {m.From} → {StateNames.Of(m.To)} is not an allowed transition (SPEC.md's table)", m.PrId);
            }
        }

        foreach (var d in diff.Where(d => milestones.All(m => m.PrId != d.Pr)))
        {
            Find(commit, AuditFindingKind.MessageMismatch, $"the commit changes {d.Pr}: {Name(d.From)} → {Name(d.To)}, which the message does not list", d.Pr);
        }
    }

    private void CheckNoColdChange(HistoryCommit commit, List<Delta> diff, string what, bool allowAdded)
    {
        foreach (var d in diff.Where(d => !(allowAdded && d.From is null)))
        {
            Find(commit, AuditFindingKind.MessageMismatch, $"{what} changed {d.Pr}'s cold state: {Name(d.From)} → {Name(d.To)}", d.Pr);
        }
    }

    private void CheckDisplaySync(HistoryCommit commit, List<Delta> diff, TaskList? before, TaskList? after)
    {
        CheckNoColdChange(commit, diff, "a display sync", allowAdded: false);
        if (before is not null && after is not null && OutsideDisplay(before) != OutsideDisplay(after))
        {
            Find(commit, AuditFindingKind.DisplaySyncOutsideDisplay, "a display sync changed the task list outside the display section");
        }

        if (after is null)
        {
            return;
        }

        var rows = DisplayedHotWork.Parse(after.HotStateDisplayBody);
        foreach (var (pr, holding) in _shown.ToList())
        {
            if (!rows.Any(r => r.PrId == pr && r.Agent == holding.Item.Agent && r.Since == holding.Item.Since))
            {
                holding.EndedAt = commit.Sha;
                _shown.Remove(pr);
            }
        }

        foreach (var row in rows.Where(r => !_shown.ContainsKey(r.PrId)))
        {
            var holding = new Holding(row, commit.Sha);
            _shown[row.PrId] = holding;
            _holdings.Add(holding);
        }
    }

    private void CheckFence(HistoryCommit commit, Milestone m)
    {
        if (m.Lease is not { } fence)
        {
            return;
        }

        _milestoneFences[(commit.Sha, m.PrId)] = fence;

        // A restored milestone re-states one the branch still holds (a merge undid it, and both sides stay in history):
        // it carries that one's fence, however many leases came after it, and is judged against that one alone. One whose
        // original the branch no longer holds (a reset dropped it) is judged as a new milestone, below.
        if (RestoredSha(commit) is { } original && _milestoneFences.TryGetValue((original, m.PrId), out var originalFence))
        {
            if (fence != originalFence)
            {
                Find(commit, AuditFindingKind.FenceRegression,
                    $"{m.PrId}'s restored milestone has lease fence {fence}, but the milestone it restores had fence {originalFence}",
                    m.PrId, otherSha: original);
            }

            return;
        }

        if (_fences.TryGetValue(m.PrId, out var last))
        {
            // A restore of a milestone a reset dropped repeats that one's fence: equal to the last, not above it.
            if (fence < last.Fence || (fence == last.Fence && !IsRestored(commit)))
            {
                Find(commit, AuditFindingKind.FenceRegression,
                    $"{m.PrId}'s milestone has lease fence {fence}, not above fence {last.Fence} of its earlier milestone {last.Sha[..Math.Min(10, last.Sha.Length)]}",
                    m.PrId, otherSha: last.Sha);
            }

            if (fence <= last.Fence)
            {
                return;
            }
        }

        _fences[m.PrId] = (fence, commit.Sha);
    }

    // The text outside the display section; trailing white space is ignored (the first sync appends it after a blank line).
    private static string OutsideDisplay(TaskList list)
    {
        var text = list.Text;
        var start = text.IndexOf(HotStateDisplay.StartMarker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf(HotStateDisplay.EndMarker, start, StringComparison.Ordinal);
        return (start < 0 || end < 0 ? text : string.Concat(text.AsSpan(0, start), text.AsSpan(end + HotStateDisplay.EndMarker.Length))).TrimEnd();
    }
}
