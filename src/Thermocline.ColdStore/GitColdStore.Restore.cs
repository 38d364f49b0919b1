using LibGit2Sharp;
using Thermocline.ColdStore.Git;
using Thermocline.Domain.Commits;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    /// <summary>
    /// Where the branch stands now and where this store last saw it (its own last commit, or the tip a restore last
    /// settled on; kept across restarts), when the two differ: someone else committed, pulled, reset; null when it did not
    /// move. Pass the move to <see cref="RestoreDroppedMilestonesAsync"/>, which settles it.
    /// </summary>
    public Task<BranchMove?> BranchMovedAsync(CancellationToken cancellationToken = default) => ReadAsync(
        _ => _repo.Refs[_branchRef]?.TargetIdentifier is var tip && tip == _knownTip ? null : new BranchMove(_knownTip, tip),
        cancellationToken);

    /// <summary>
    /// Acknowledged milestones the branch lost because a person moved it back past them — a <c>git reset</c>, or a merge or
    /// rebase aborted back to an ORIG_HEAD git read just before the hub's commit landed — are committed again on top, each
    /// with its own message (lease and all) and a line naming the commit it restores. Only the hub's own milestone and
    /// dependency commits reachable from <paramref name="previousTip"/> and no longer from the branch count; a change is
    /// made again only where the branch still shows the state it started from (a PR a person has moved on since, or whose
    /// change a rebase kept, is left as it is). Returns the new commits.
    /// </summary>
    /// <remarks>
    /// Settles the move: once every dropped milestone is back (or none was dropped), the branch's tip becomes the one this
    /// store knows. A failure (a person's merge in progress) leaves it unsettled, so the next look finds it again.
    /// </remarks>
    public async Task<IReadOnlyList<ColdCommit>> RestoreDroppedMilestonesAsync(string? previousTip, CancellationToken cancellationToken = default)
    {
        var dropped = previousTip is null ? [] : await ReadAsync(_ => DroppedMilestones(previousTip), cancellationToken);
        var restored = new List<ColdCommit>();
        foreach (var (sha, message, changes) in dropped)
        {
            var commit = await CommitAsync(
                (tip, _, _) =>
                {
                    var applied = changes.Where(c => tip.List.Find(c.PrId)?.ColdState == c.From).ToList();
                    return applied.Count == 0 ? null : new PlannedEdit(tip.List.WithColdStates(applied.Select(c => (c.PrId, c.To))), message + $"\nRestored: {sha} was dropped from {Branch} when the branch was moved back past it (a reset, or an aborted merge or rebase); committed again.\n", applied);
                },
                waitWhileBusy: true,
                cancellationToken);
            if (commit.Committed)
            {
                ColdStoreLog.MilestoneRestored(_logger, MilestoneParser.Title(message), sha[..12], commit.Sha[..12]);
                restored.Add(commit);
            }
        }

        await ReadAsync(_ =>
        {
            RememberTip(_repo.Refs[_branchRef]?.TargetIdentifier);
            return true;
        }, cancellationToken);
        return restored;
    }

    // The hub's milestone and dependency commits reachable from the old tip but not from the branch, oldest first, each with
    // the cold-state changes it made (its task list against its parent's).
    private List<(string Sha, string Message, IReadOnlyList<ColdChange> Changes)> DroppedMilestones(string previousTip)
    {
        var found = new List<(string, string, IReadOnlyList<ColdChange>)>();
        if (_repo.Lookup<Commit>(previousTip) is not { } previous || _repo.Refs[_branchRef]?.ResolveToDirectReference()?.Target is not Commit tip
            || _repo.ObjectDatabase.FindMergeBase(previous, tip)?.Sha == previous.Sha)
        {
            return found; // unknown, or the branch still contains it: nothing was dropped
        }

        var lost = _repo.Commits.QueryBy(new CommitFilter
        {
            IncludeReachableFrom = previous,
            ExcludeReachableFrom = tip,
            SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse,
        });
        foreach (var commit in lost)
        {
            if (commit.Committer.Name != _options.CommitterName || commit.Committer.Email != _options.CommitterEmail
                || MilestoneParser.Classify(commit.Message) is not (CommitKind.Transition or CommitKind.Dependencies)
                || commit.Parents.FirstOrDefault() is not { } parent || ListAt(commit) is not { } after || ListAt(parent) is not { } before)
            {
                continue;
            }

            var changes = after.Prs
                .Select(pr => (Pr: pr, Before: before.Find(pr.Id)))
                .Where(p => p.Before is not null && p.Before.ColdState != p.Pr.ColdState)
                .Select(p => new ColdChange(p.Pr.Id, p.Before!.ColdState, p.Pr.ColdState))
                .ToList();
            if (changes.Count > 0)
            {
                found.Add((commit.Sha, commit.Message, changes));
            }
        }

        return found;
    }

    private TaskList? ListAt(Commit commit) =>
        commit[_options.TaskListPath] is { TargetType: TreeEntryTargetType.Blob } entry && TaskListSnapshot.Read((Blob)entry.Target, entry.Mode).List is { HasErrors: false } list
            ? list
            : null;
}
