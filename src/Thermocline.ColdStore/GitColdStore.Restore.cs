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
    /// Acknowledged milestones the branch lost are committed again on top, each with its own message (lease and all) and a
    /// line naming the commit it restores and how it was lost. Two ways lose one:
    /// <list type="bullet">
    /// <item>a person moved the branch back past it — a <c>git reset</c>, or a merge or rebase aborted back to an ORIG_HEAD
    /// git read just before the hub's commit landed: the hub's own milestone and dependency commits reachable from
    /// <paramref name="previousTip"/> and no longer from the branch;</item>
    /// <item>a person's merge commit undid it — git read the index, the hub's commit landed, git wrote what it had read,
    /// and the commit that ended the merge was built from that: a merge since <paramref name="previousTip"/> whose result
    /// lacks a hub change one side made while the other side left that PR alone (git's own merge keeps such a one-sided
    /// change, so only a copy older than the milestone gives this result).</item>
    /// </list>
    /// A change is made again only where the branch still shows the state it was lost to (a PR a person has moved on
    /// since, or whose change a rebase kept, is left as it is). Returns the new commits.
    /// </summary>
    /// <remarks>
    /// Settles the move: once every dropped milestone is back (or none was dropped), the branch's tip becomes the one this
    /// store knows. A failure (a person's merge in progress) leaves it unsettled, so the next look finds it again.
    /// </remarks>
    public async Task<IReadOnlyList<ColdCommit>> RestoreDroppedMilestonesAsync(string? previousTip, CancellationToken cancellationToken = default)
    {
        var dropped = previousTip is null ? [] : await ReadAsync(_ => DroppedMilestones(previousTip), cancellationToken);
        var restored = new List<ColdCommit>();
        foreach (var (sha, message, changes, how) in dropped)
        {
            var commit = await CommitAsync(
                (tip, _, _) =>
                {
                    var applied = changes.Where(c => tip.List.Find(c.PrId)?.ColdState == c.From).ToList();
                    return applied.Count == 0 ? null : new PlannedEdit(tip.List.WithColdStates(applied.Select(c => (c.PrId, c.To))), message + $"\nRestored: {sha} {how}; committed again.\n", applied);
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
            if (_repo.Refs[_branchRef]?.ResolveToDirectReference()?.Target is Commit settled && ListAt(settled) is { } list)
            {
                _owed.Retain(c => list.Find(c.PrId)?.ColdState == c.To); // an owed edit undone and not restored is the person's now
            }

            return true;
        }, cancellationToken);
        return restored;
    }

    /// <summary>A hub commit whose changes the branch lost, and how (the end of the restore's message line).</summary>
    private readonly record struct Dropped(string Sha, string Message, IReadOnlyList<ColdChange> Changes, string How);

    private List<Dropped> DroppedMilestones(string previousTip)
    {
        if (_repo.Lookup<Commit>(previousTip) is not { } previous || _repo.Refs[_branchRef]?.ResolveToDirectReference()?.Target is not Commit tip)
        {
            return []; // unknown: nothing can be said
        }

        var found = _repo.ObjectDatabase.FindMergeBase(previous, tip)?.Sha == previous.Sha ? [] : MovedBackPast(previous, tip);
        found.AddRange(UndoneByMerges(previous, tip));
        found.AddRange(UndoneWhileOwed(previous, tip));
        found.AddRange(UndoneByStaleSaves(previous, tip));
        return found;
    }

    // The hub's milestone and dependency commits reachable from the old tip but not from the branch, oldest first, each with
    // the cold-state changes it made (its task list against its parent's).
    private List<Dropped> MovedBackPast(Commit previous, Commit tip)
    {
        var found = new List<Dropped>();
        foreach (var commit in OldestFirst(previous, tip))
        {
            if (!IsHubMilestone(commit) || commit.Parents.FirstOrDefault() is not { } parent || ListAt(commit) is not { } after || ListAt(parent) is not { } before)
            {
                continue;
            }

            var changes = ColdChanges(before, after);
            if (changes.Count > 0)
            {
                found.Add(new Dropped(commit.Sha, commit.Message, changes, $"was dropped from {Branch} when the branch was moved back past it (a reset, or an aborted merge or rebase)"));
            }
        }

        return found;
    }

    // People's merge commits since the old tip, oldest first, that lost a cold-state change the hub made on one side while
    // the other side left the PR as the merge base had it; for each, the hub's commits that made the lost changes.
    private List<Dropped> UndoneByMerges(Commit previous, Commit tip)
    {
        var found = new List<Dropped>();
        foreach (var merge in OldestFirst(tip, previous))
        {
            var parents = merge.Parents.ToList();
            if (parents.Count != 2 || IsHub(merge) || _repo.ObjectDatabase.FindMergeBase(parents[0], parents[1]) is not { } mergeBase)
            {
                continue;
            }

            for (var side = 0; side < 2; side++)
            {
                var (ours, theirs) = (parents[side], parents[1 - side]);
                if (BlobAt(merge) == BlobAt(ours) || ListAt(merge) is not { } result || ListAt(ours) is not { } oursList
                    || ListAt(theirs) is not { } theirsList || ListAt(mergeBase) is not { } baseList)
                {
                    continue;
                }

                var lost = result.Prs
                    .Where(pr => oursList.Find(pr.Id) is { } o && o.ColdState != pr.ColdState
                        && baseList.Find(pr.Id)?.ColdState is { } b && theirsList.Find(pr.Id)?.ColdState == b)
                    .Select(pr => new ColdChange(pr.Id, pr.ColdState, oursList.Find(pr.Id)!.ColdState));
                found.AddRange(HubChains(lost, ours, $"was undone by the merge {merge.Sha[..10]} (\"{MilestoneParser.Title(merge.Message)}\"), committed from a copy git had read before it landed"));
            }
        }

        return found;
    }

    // The owed edits (see OwedEdits) that a commit made from the copy that still lacked them undid: the branch showed the
    // hub's value when the store last saw it, and shows the value the copy had now.
    private List<Dropped> UndoneWhileOwed(Commit previous, Commit tip)
    {
        if (_owed.IsEmpty || ListAt(previous) is not { } before || ListAt(tip) is not { } now)
        {
            return [];
        }

        var lost = _owed.Changes.Where(c => before.Find(c.PrId)?.ColdState == c.To && now.Find(c.PrId)?.ColdState == c.From);
        return HubChains(lost, previous, "was undone by a commit made from a working copy the hub had not yet brought up to it (an edit it still owed there)");
    }

    // People's commits since the old tip saved from a working copy read before the hub wrote a milestone into it (see
    // StaleSaves): the commit takes a PR back to exactly where the hub's recent write had moved it from.
    private List<Dropped> UndoneByStaleSaves(Commit previous, Commit tip)
    {
        var found = new List<Dropped>();
        foreach (var commit in OldestFirst(tip, previous))
        {
            if (IsHub(commit) || commit.Parents.ToList() is not [var parent] || BlobAt(commit) == BlobAt(parent)
                || ListAt(commit) is not { } saved || ListAt(parent) is not { } before)
            {
                continue;
            }

            // The author's time: when the change was first committed (a rebase keeps it), in whole seconds.
            var lost = _staleSaves.Lacking(commit.Author.When.UtcDateTime, saved, before, slack: TimeSpan.FromSeconds(1));
            found.AddRange(HubChains(lost, parent, $"was undone by {commit.Sha[..10]} (\"{MilestoneParser.Title(commit.Message)}\"), committed from a copy saved over the hub's update of it"));
        }

        return found;
    }

    // The cold-state changes from one list to another, in the second's order.
    private static List<ColdChange> ColdChanges(TaskList before, TaskList after) => [.. after.Prs
        .Select(pr => (Pr: pr, Before: before.Find(pr.Id)))
        .Where(p => p.Before is not null && p.Before.ColdState != p.Pr.ColdState)
        .Select(p => new ColdChange(p.Pr.Id, p.Before!.ColdState, p.Pr.ColdState))];

    // For each change lost (From: where the branch shows the PR now; To: where the side that lost it had it), the hub's
    // commits on that side's first-parent line that took the PR from From to To, found newest first; a PR another commit
    // moved in between is not the hub's to restore. One Dropped per commit (the PRs of each it restores), oldest first.
    private List<Dropped> HubChains(IEnumerable<ColdChange> lost, Commit side, string how)
    {
        const int MaxDepth = 500;
        var found = new Dictionary<string, (int Depth, Commit Commit, List<ColdChange> Changes)>(StringComparer.Ordinal);
        foreach (var change in lost)
        {
            var chain = new List<(int, Commit, ColdChange)>();
            var state = change.To;
            var depth = 0;
            for (var c = side; c is not null && depth < MaxDepth && state != change.From; c = c.Parents.FirstOrDefault(), depth++)
            {
                if (!IsHubMilestone(c) || !MilestoneParser.Parse(c.Sha, c.Message, c.Committer.When).Any(m => m.PrId == change.PrId))
                {
                    continue;
                }

                if (c.Parents.FirstOrDefault() is not { } parent || ListAt(c)?.Find(change.PrId)?.ColdState != state
                    || ListAt(parent)?.Find(change.PrId)?.ColdState is not { } before)
                {
                    break; // someone else moved it in between
                }

                chain.Add((depth, c, new ColdChange(change.PrId, before, state)));
                state = before;
            }

            if (state != change.From)
            {
                continue;
            }

            foreach (var (at, commit, step) in chain)
            {
                if (!found.TryGetValue(commit.Sha, out var entry))
                {
                    found[commit.Sha] = entry = (at, commit, []);
                }

                entry.Changes.Add(step);
            }
        }

        return [.. found.Values.OrderByDescending(f => f.Depth).Select(f => new Dropped(f.Commit.Sha, f.Commit.Message, f.Changes, how))];
    }

    // The commits reachable from one and not from the other, parents before children.
    private ICommitLog OldestFirst(Commit from, Commit notFrom) => _repo.Commits.QueryBy(new CommitFilter
    {
        IncludeReachableFrom = from,
        ExcludeReachableFrom = notFrom,
        SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse,
    });

    private bool IsHub(Commit commit) => commit.Committer.Name == _options.CommitterName && commit.Committer.Email == _options.CommitterEmail;

    private bool IsHubMilestone(Commit commit) => IsHub(commit) && MilestoneParser.Classify(commit.Message) is CommitKind.Transition or CommitKind.Dependencies;

    private ObjectId? BlobAt(Commit commit) => commit[_options.TaskListPath]?.Target.Id;

    private TaskList? ListAt(Commit commit) =>
        commit[_options.TaskListPath] is { TargetType: TreeEntryTargetType.Blob } entry && TaskListSnapshot.Read((Blob)entry.Target, entry.Mode).List is { HasErrors: false } list
            ? list
            : null;
}
