using LibGit2Sharp;
using Thermocline.Domain.Commits;

namespace Thermocline.ColdStore.History;

/// <summary>
/// Every milestone on the branch, by PR, as of a tip: one walk of the whole history the first time, then only what was
/// committed since (the commits reachable from the new tip and not the old one), or the whole walk again when the branch
/// moved to somewhere the old tip is not an ancestor of (a reset, a rewrite). "Which fences did PR-005's milestones carry"
/// — a lease's standing, <c>thermo log PR</c>, the fence a claim starts from — is then a dictionary lookup, not a walk of
/// every commit. Not thread-safe: the store's gate serializes its readers.
/// </summary>
internal sealed class MilestoneIndex
{
    // Oldest first, per PR: what a new walk finds goes at the end.
    private readonly Dictionary<string, List<Milestone>> _byPr = new(StringComparer.Ordinal);
    private string? _tip;

    /// <summary>The milestones of <paramref name="prId"/> reachable from <paramref name="tip"/>, newest first.</summary>
    public IEnumerable<Milestone> Of(Repository repo, Commit tip, string prId, CancellationToken cancellationToken)
    {
        Update(repo, tip, cancellationToken);
        return _byPr.TryGetValue(prId, out var list) ? Enumerable.Reverse(list) : [];
    }

    /// <summary>The milestones reachable from <paramref name="tip"/> and not from <paramref name="exclude"/>, newest first.</summary>
    public static IEnumerable<Milestone> Walk(Repository repo, Commit tip, Commit? exclude, CancellationToken cancellationToken)
    {
        var filter = new CommitFilter { IncludeReachableFrom = tip, ExcludeReachableFrom = exclude, SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Time };
        foreach (var commit in repo.Commits.QueryBy(filter))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var message = commit.Message;
            if (MilestoneParser.Classify(message) is CommitKind.Transition or CommitKind.Dependencies)
            {
                foreach (var m in MilestoneParser.Parse(commit.Sha, message, commit.Committer.When))
                {
                    yield return m;
                }
            }
        }
    }

    private void Update(Repository repo, Commit tip, CancellationToken cancellationToken)
    {
        if (_tip == tip.Sha)
        {
            return;
        }

        var known = _tip is null ? null : repo.Lookup<Commit>(_tip);
        if (known is null || repo.ObjectDatabase.FindMergeBase(known, tip)?.Sha != known.Sha)
        {
            known = null;
            _byPr.Clear();
        }

        // Collected first: a walk cut short by cancellation leaves the index as it was.
        var fresh = Walk(repo, tip, known, cancellationToken).ToList();
        for (var i = fresh.Count - 1; i >= 0; i--)
        {
            var m = fresh[i];
            if (!_byPr.TryGetValue(m.PrId, out var list))
            {
                _byPr[m.PrId] = list = [];
            }

            list.Add(m);
        }

        _tip = tip.Sha;
    }
}
