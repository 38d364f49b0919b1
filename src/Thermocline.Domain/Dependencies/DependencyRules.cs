using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Dependencies;

/// <summary>A cold transition the dependency engine wants, and why.</summary>
/// <param name="PrId">The PR to move.</param>
/// <param name="From">Its cold state now.</param>
/// <param name="To">The cold state it should move to.</param>
/// <param name="Reason">A sentence for the commit message, e.g. "all dependencies satisfied".</param>
public sealed record DependencyChange(string PrId, ColdState From, ColdState To, string Reason);

/// <summary>
/// The dependency engine of SPEC.md: <c>new</c>/<c>blocked</c> → <c>ready</c> when every dependency is
/// satisfied (completed or approved), <c>new</c> → <c>blocked</c> when one is not, and
/// <c>ready</c>/<c>planned</c> → <c>blocked</c> when a dependency is <c>broken</c>.
/// </summary>
public static class DependencyRules
{
    /// <summary>True when a PR in this cold state satisfies the PRs that depend on it.</summary>
    public static bool IsSatisfied(ColdState state) => state is ColdState.Completed or ColdState.Approved;

    /// <summary>
    /// The changes the rules call for, in file order. One pass is enough: the rules only move PRs between
    /// new, ready, blocked and planned, none of which satisfies a dependency, so no change enables another.
    /// </summary>
    /// <param name="prs">The PRs, with their cold states.</param>
    /// <param name="coldStateOf">Optional override of a PR's cold state (e.g. one just committed); null uses <see cref="PrEntry.ColdState"/>.</param>
    public static IReadOnlyList<DependencyChange> Plan(IReadOnlyList<PrEntry> prs, Func<string, ColdState?>? coldStateOf = null)
    {
        var states = new Dictionary<string, ColdState>(prs.Count, StringComparer.Ordinal);
        foreach (var pr in prs)
        {
            states[pr.Id] = coldStateOf?.Invoke(pr.Id) ?? pr.ColdState;
        }

        var changes = new List<DependencyChange>();
        foreach (var pr in prs)
        {
            var state = states[pr.Id];
            var unmet = pr.Dependencies.Where(d => !states.TryGetValue(d, out var s) || !IsSatisfied(s)).ToList();
            var broken = pr.Dependencies.Where(d => states.TryGetValue(d, out var s) && s == ColdState.Broken).ToList();
            var change = state switch
            {
                ColdState.New or ColdState.Blocked when unmet.Count == 0 =>
                    new DependencyChange(pr.Id, state, ColdState.Ready, pr.Dependencies.Count == 0 ? "no dependencies" : "all dependencies satisfied"),
                ColdState.New =>
                    new DependencyChange(pr.Id, state, ColdState.Blocked, $"waiting on {string.Join(", ", unmet)}"),
                ColdState.Ready or ColdState.Planned when broken.Count > 0 =>
                    new DependencyChange(pr.Id, state, ColdState.Blocked, $"dependency {string.Join(", ", broken)} is broken"),
                _ => null,
            };
            if (change is not null)
            {
                changes.Add(change);
            }
        }

        return changes;
    }
}
