using LibGit2Sharp;
using Thermocline.Domain.Commits;
using Thermocline.Domain.TaskLists.Merging;

namespace Thermocline.Cli.MergeDriver;

/// <summary>
/// Reads, for each disputed PR, the newest milestone reachable from each side's commit (the hub's commit messages, read
/// back by <see cref="MilestoneParser"/>): the evidence <see cref="ColdStateArbiter"/> decides by. One walk per side,
/// newest first, ending when every disputed PR is found, and after <see cref="WalkLimit"/> commits at most — a PR not
/// found by then is undetermined, never "no milestone".
/// </summary>
internal static class MilestoneEvidence
{
    /// <summary>The most commits one side's walk reads.</summary>
    public const int WalkLimit = 20_000;

    /// <summary>The evidence for <paramref name="disputes"/>, from the repository the driver runs in.</summary>
    public static Task<IReadOnlyDictionary<string, ColdStateEvidence>> GatherAsync(
        string workingDirectory, string path, byte[] ours, byte[] theirs, IReadOnlyList<ColdStateDispute> disputes,
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyDictionary<string, ColdStateEvidence>>(() => Gather(workingDirectory, path, ours, theirs, disputes, environment, cancellationToken), cancellationToken);

    private static Dictionary<string, ColdStateEvidence> Gather(
        string workingDirectory, string path, byte[] ours, byte[] theirs, IReadOnlyList<ColdStateDispute> disputes,
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        if (Repository.Discover(workingDirectory) is not { } gitDir)
        {
            return disputes.ToDictionary(d => d.PrId, _ => ColdStateEvidence.Unknown($"the driver did not run inside a git repository ({workingDirectory})"));
        }

        using var repo = new Repository(gitDir);
        var sides = MergeSides.Find(repo, path, ours, theirs, environment);
        var prs = disputes.Select(d => d.PrId).ToHashSet(StringComparer.Ordinal);
        var (oursFound, oursCut) = sides.Ours is { } o ? LastMilestones(repo, o, prs, cancellationToken) : ([], false);
        var (theirsFound, theirsCut) = sides.Theirs is { } t ? LastMilestones(repo, t, prs, cancellationToken) : ([], false);
        return disputes.ToDictionary(d => d.PrId, d =>
        {
            var problem = sides.OursProblem ?? sides.TheirsProblem
                ?? (oursCut && !oursFound.ContainsKey(d.PrId) ? $"our history was not read to its end ({WalkLimit:N0} commits)" : null)
                ?? (theirsCut && !theirsFound.ContainsKey(d.PrId) ? $"their history was not read to its end ({WalkLimit:N0} commits)" : null);
            return problem is not null
                ? ColdStateEvidence.Unknown(problem)
                : new ColdStateEvidence(oursFound.GetValueOrDefault(d.PrId), theirsFound.GetValueOrDefault(d.PrId));
        }, StringComparer.Ordinal);
    }

    // Newest first; true when the walk stopped at its limit with PRs still unfound.
    private static (Dictionary<string, Milestone> Found, bool Cut) LastMilestones(Repository repo, Commit tip, HashSet<string> prs, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Milestone>(StringComparer.Ordinal);
        var read = 0;
        foreach (var commit in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = tip, SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Time }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (++read > WalkLimit)
            {
                return (found, true);
            }

            var message = commit.Message;
            if (MilestoneParser.Classify(message) is not (CommitKind.Transition or CommitKind.Dependencies))
            {
                continue;
            }

            foreach (var m in MilestoneParser.Parse(commit.Sha, message, commit.Committer.When))
            {
                if (prs.Contains(m.PrId))
                {
                    found.TryAdd(m.PrId, m);
                }
            }

            if (found.Count == prs.Count)
            {
                break;
            }
        }

        return (found, false);
    }
}
