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
/// The dependency engine of SPEC.md: <c>new</c> → <c>ready</c> when every dependency is satisfied (completed or
/// approved), and <c>blocked</c> → <c>ready</c> too for a PR the engine blocked itself (a block by a person or an agent
/// sticks); <c>new</c> → <c>blocked</c> when a dependency is not satisfied, and <c>ready</c>/<c>planned</c> →
/// <c>blocked</c> when one is <c>broken</c>.
/// </summary>
public static class DependencyRules
{
    /// <summary>True when a PR in this cold state satisfies the PRs that depend on it.</summary>
    public static bool IsSatisfied(ColdState state) => state is ColdState.Completed or ColdState.Approved;

    /// <summary>The PR's dependencies that are not satisfied (unknown ones included), in its order.</summary>
    /// <param name="pr">The PR.</param>
    /// <param name="coldStateOf">The cold state of a PR by id; null when there is no such PR.</param>
    public static IReadOnlyList<string> Unmet(PrEntry pr, Func<string, ColdState?> coldStateOf) =>
        pr.Dependencies.Where(d => coldStateOf(d) is not { } s || !IsSatisfied(s)).ToList();

    /// <summary>The PR's dependencies that <paramref name="list"/> does not show satisfied (unknown ones included).</summary>
    public static IReadOnlyList<string> Unmet(PrEntry pr, TaskList list) => Unmet(pr, d => list.Find(d)?.ColdState);

    /// <summary>The PRs <see cref="Plan"/> lifts to <c>ready</c> if the engine blocked them: blocked, every dependency satisfied.</summary>
    public static IReadOnlyList<string> Liftable(TaskList list) =>
        list.Prs.Where(p => p.ColdState == ColdState.Blocked && Unmet(p, list).Count == 0).Select(p => p.Id).ToList();

    /// <summary>
    /// The changes the rules call for, in file order. One pass is enough: the rules only move PRs between
    /// new, ready, blocked and planned, none of which satisfies a dependency, so no change enables another.
    /// </summary>
    /// <param name="prs">The PRs, with their cold states.</param>
    /// <param name="blockedByEngine">Whether the engine blocked a (blocked) PR: only those are lifted.</param>
    /// <param name="coldStateOf">Optional override of a PR's cold state (e.g. one just committed); null uses <see cref="PrEntry.ColdState"/>.</param>
    public static IReadOnlyList<DependencyChange> Plan(IReadOnlyList<PrEntry> prs, Func<string, bool> blockedByEngine, Func<string, ColdState?>? coldStateOf = null)
    {
        ArgumentNullException.ThrowIfNull(blockedByEngine);
        var states = new Dictionary<string, ColdState>(prs.Count, StringComparer.Ordinal);
        foreach (var pr in prs)
        {
            states[pr.Id] = coldStateOf?.Invoke(pr.Id) ?? pr.ColdState;
        }

        var changes = new List<DependencyChange>();
        foreach (var pr in prs)
        {
            var state = states[pr.Id];
            var unmet = Unmet(pr, d => states.TryGetValue(d, out var s) ? s : null);
            var broken = pr.Dependencies.Where(d => states.TryGetValue(d, out var s) && s == ColdState.Broken).ToList();
            var change = state switch
            {
                ColdState.New when unmet.Count == 0 =>
                    new DependencyChange(pr.Id, state, ColdState.Ready, pr.Dependencies.Count == 0 ? "no dependencies" : "all dependencies satisfied"),
                ColdState.Blocked when unmet.Count == 0 && blockedByEngine(pr.Id) =>
                    new DependencyChange(pr.Id, state, ColdState.Ready, "all dependencies satisfied"),
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
