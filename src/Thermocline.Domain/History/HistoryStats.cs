using Thermocline.Domain.States;

namespace Thermocline.Domain.History;

/// <summary>
/// <c>thermo stats</c>: cycle time per PR, time per cold state, lease churn and holdings that ended without a milestone,
/// from a replayed history alone. Git records milestones, not claims, heartbeats or releases: a holding is seen only when a
/// display sync (every 30 s) showed it, and one that ended without a milestone expired or was released — git cannot tell.
/// </summary>
/// <param name="Commits">Commits walked.</param>
/// <param name="Prs">Each PR's numbers, by id.</param>
/// <param name="States">Each cold state's numbers, in the order of <see cref="ColdState"/>; only states some stay ended in.</param>
public sealed record HistoryStats(int Commits, IReadOnlyList<PrStats> Prs, IReadOnlyList<StateStats> States)
{
    private static readonly ColdState[] WorkDone = [ColdState.Planned, ColdState.Completed, ColdState.Approved, ColdState.Broken];

    /// <summary>The numbers of <paramref name="history"/>, of every PR or only of <paramref name="prId"/>.</summary>
    public static HistoryStats From(ReplayedHistory history, string? prId = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var stays = new List<(ColdState State, TimeSpan Length)>();
        var prs = new List<PrStats>();
        var milestones = history.Milestones.ToLookup(m => m.PrId, StringComparer.Ordinal);
        var holdings = history.Holdings.ToLookup(h => h.PrId, StringComparer.Ordinal);
        foreach (var changes in history.Changes.GroupBy(c => c.PrId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (prId is not null && changes.Key != prId)
            {
                continue;
            }

            var list = changes.ToList();
            var own = new List<(ColdState, TimeSpan)>();
            for (var i = 0; i + 1 < list.Count; i++)
            {
                if (list[i].To is { } state)
                {
                    own.Add((state, Max(list[i + 1].At - list[i].At)));
                }
            }

            stays.AddRange(own);
            var shown = holdings[changes.Key].ToList();
            var started = Earliest(shown.Select(h => (DateTimeOffset?)h.Since).FirstOrDefault(), list.FirstOrDefault(c => c.To is { } t && WorkDone.Contains(t))?.At);
            prs.Add(new PrStats(
                changes.Key,
                list[^1].To,
                started,
                Cycle(started, list, ColdState.Completed),
                Cycle(started, list, ColdState.Approved),
                own.GroupBy(s => s.Item1).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Item2)),
                milestones[changes.Key].Count(),
                [.. milestones[changes.Key].Select(m => m.Lease).OfType<long>().Distinct().Order()],
                shown.Count,
                shown.Count(h => h.EndedAt is not null && !h.EndedWithMilestone)));
        }

        var states = stays.GroupBy(s => s.State).OrderBy(g => g.Key).Select(g =>
        {
            var sorted = g.Select(s => s.Length).Order().ToList();
            return new StateStats(g.Key, sorted.Count, Rank(sorted, 0.5), Rank(sorted, 0.9), sorted.Aggregate(TimeSpan.Zero, (a, b) => a + b));
        });
        return new HistoryStats(history.Report.CommitsExamined, prs, [.. states]);
    }

    // Nearest rank: the smallest length with at least that share of stays at or below it.
    private static TimeSpan Rank(List<TimeSpan> sorted, double share) => sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Count) - 1)];

    private static TimeSpan? Cycle(DateTimeOffset? started, List<ColdStateChange> changes, ColdState done) =>
        started is { } from && changes.FirstOrDefault(c => c.To == done) is { } first ? Max(first.At - from) : null;

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    // Clocks of commits made on different machines can disagree; a stay is never negative.
    private static TimeSpan Max(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;
}
