using Thermocline.Domain.Commits;

namespace Thermocline.Domain.History;

/// <summary>Everything a <see cref="HistoryReplay"/> learnt: the audit's findings and what statistics are made from.</summary>
/// <param name="Report">The audit.</param>
/// <param name="Changes">Every cold-state change, in history order.</param>
/// <param name="Milestones">Every milestone of the hub's commits, in history order.</param>
/// <param name="Holdings">Every hot holding display syncs showed, in the order they were first shown.</param>
/// <param name="LastCommitted">When the newest commit walked was committed; null for an empty walk.</param>
public sealed record ReplayedHistory(
    AuditReport Report,
    IReadOnlyList<ColdStateChange> Changes,
    IReadOnlyList<Milestone> Milestones,
    IReadOnlyList<DisplayedHolding> Holdings,
    DateTimeOffset? LastCommitted);
