using LibGit2Sharp;
using Thermocline.ColdStore.Git;
using Thermocline.ColdStore.History;
using Thermocline.Domain.Commits;
using Thermocline.Domain.History;
using Thermocline.Domain.Identity;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    private readonly MilestoneIndex _milestones = new();

    /// <summary>
    /// Milestone history from git, newest first (<c>thermo log [PR]</c>): every cold transition and
    /// dependency change recorded in commit messages reachable from the hub's branch, of one PR or of all.
    /// </summary>
    /// <param name="prId">Only this PR's milestones; null for all.</param>
    /// <param name="limit">At most this many; null for all.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public Task<IReadOnlyList<Milestone>> GetHistoryAsync(string? prId = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        if (prId is not null && !PrId.IsValid(prId))
        {
            throw Domain.Errors.ThermoclineException.InvalidPrId(prId);
        }

        return ReadAsync<IReadOnlyList<Milestone>>(
            ct => Milestones(prId, ct).Take(limit ?? int.MaxValue).ToList(),
            cancellationToken);
    }

    // One PR's milestones come from the index (kept up to date from the tip); all of them, from a walk that stops as soon as
    // the caller has enough (thermo log's newest 100).
    private IEnumerable<Milestone> Milestones(string? prId, CancellationToken cancellationToken)
    {
        if (_repo.Refs[_branchRef]?.ResolveToDirectReference()?.Target is not Commit tip)
        {
            return [];
        }

        return prId is null ? MilestoneIndex.Walk(_repo, tip, null, cancellationToken) : _milestones.Of(_repo, tip, prId, cancellationToken);
    }

    /// <summary>The PR's most recent milestone, or null when history has none.</summary>
    public async Task<Milestone?> GetLastMilestoneAsync(string prId, CancellationToken cancellationToken = default) =>
        (await GetHistoryAsync(prId, 1, cancellationToken)) is [var last, ..] ? last : null;

    /// <summary>
    /// The highest lease fencing number any milestone of the PR records, or null. (Fences handed out are bounded by the
    /// fence ceiling, <see cref="ReadFenceCeilingAsync"/>; git's milestones only start it on a repository without one.)
    /// </summary>
    public async Task<long?> GetHighestLeaseAsync(string prId, CancellationToken cancellationToken = default) =>
        (await GetHistoryAsync(prId, null, cancellationToken)).Max(m => m.Lease);

    /// <summary>
    /// Replays the branch's history (<see cref="HistoryReplay"/>, what <c>thermo audit</c> runs): no commit records a
    /// hot-only transition or a heartbeat, every Thermocline commit changes only the task list and describes exactly the
    /// cold-state changes it makes, each milestone is allowed from the state before it, fences grow per PR, display syncs
    /// change only the display section. A person's change of a cold state is a warning, not a violation.
    /// </summary>
    public Task<AuditReport> AuditHistoryAsync(CancellationToken cancellationToken = default) => ReadAsync(
        ct =>
        {
            if (_repo.Refs[_branchRef]?.ResolveToDirectReference()?.Target is not Commit tip)
            {
                return new AuditReport(0, 0, 0, []);
            }

            var walk = new HistoryWalk(_repo, _options.TaskListPath);
            return HistoryReplay.Run(walk.OldestFirst(tip, null, null, ct), walk.ReadList, _options.TaskListPath).Report;
        },
        cancellationToken);

    /// <summary>
    /// Of these PRs (blocked on the branch), the ones the dependency engine blocked: the last commit that set each to
    /// <c>blocked</c> was a <c>[Dependencies]</c> commit (SPEC.md: only those are lifted when their dependencies are met).
    /// A block by an agent's transition or by a person's commit (one that wrote <c>blocked</c>, the first commit of the
    /// list included) is not. Walks history newest first until every PR is decided; what it found is kept for the next
    /// call, which walks only what was committed since.
    /// </summary>
    public Task<IReadOnlySet<string>> FindBlockedByDependenciesAsync(IReadOnlyCollection<string> blockedPrs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blockedPrs);
        return blockedPrs.Count == 0
            ? Task.FromResult<IReadOnlySet<string>>(new HashSet<string>())
            : ReadAsync<IReadOnlySet<string>>(ct => FindBlockedByDependencies(blockedPrs, ct), cancellationToken);
    }

    private HashSet<string> FindBlockedByDependencies(IReadOnlyCollection<string> blockedPrs, CancellationToken cancellationToken)
    {
        var verdicts = new Dictionary<string, bool>(StringComparer.Ordinal);
        var pending = blockedPrs.ToHashSet(StringComparer.Ordinal);
        var tip = ReadTip();
        var (knownTip, known) = _blockVerdicts;
        var lists = new Dictionary<ObjectId, TaskList?>();
        foreach (var commit in _repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = tip, SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Time }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (commit.Sha == knownTip)
            {
                // A PR blocked then and not set blocked since keeps the verdict found then.
                foreach (var (pr, engine) in known.Where(k => pending.Contains(k.Key)))
                {
                    verdicts[pr] = engine;
                    pending.Remove(pr);
                }
            }

            foreach (var (pr, engine) in WhoBlocked(commit, pending, lists))
            {
                verdicts[pr] = engine;
                pending.Remove(pr);
            }

            if (pending.Count == 0)
            {
                break;
            }
        }

        foreach (var pr in pending)
        {
            verdicts[pr] = false; // blocked since the list's first commit, or by a commit not told apart (a merge's)
        }

        _blockVerdicts = (tip.Sha, verdicts);
        return verdicts.Where(v => v.Value).Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
    }

    // The pending PRs this commit set to blocked, and whether the engine did: from the message of the hub's own commits,
    // from the task list's content (this commit's against its parents') for anyone else's.
    private IEnumerable<(string Pr, bool Engine)> WhoBlocked(Commit commit, HashSet<string> pending, Dictionary<ObjectId, TaskList?> lists)
    {
        var kind = MilestoneParser.Classify(commit.Message);
        if (kind is CommitKind.Transition or CommitKind.Dependencies)
        {
            return MilestoneParser.Parse(commit.Sha, commit.Message, commit.Committer.When)
                .Where(m => pending.Contains(m.PrId) && m.To == ColdState.Blocked)
                .Select(m => (m.PrId, m.Kind == MilestoneKind.Dependency))
                .ToList();
        }

        // A display sync never changes a cold state; nor does a commit that keeps a parent's list. The first commit needs
        // no reading: whatever is still undecided there was blocked by whoever wrote the list, never by the engine.
        var id = commit[_options.TaskListPath]?.Target.Id;
        if (kind == CommitKind.DisplaySync || id is null || !commit.Parents.Any() || commit.Parents.Any(p => p[_options.TaskListPath]?.Target.Id == id)
            || ListAt(commit, lists) is not { } list)
        {
            return [];
        }

        var parents = commit.Parents.Select(p => ListAt(p, lists)).ToList();
        return pending
            .Where(pr => list.Find(pr)?.ColdState == ColdState.Blocked && parents.All(p => p?.Find(pr)?.ColdState != ColdState.Blocked))
            .Select(pr => (pr, false))
            .ToList();
    }

    private TaskList? ListAt(Commit commit, Dictionary<ObjectId, TaskList?> lists)
    {
        if (commit[_options.TaskListPath]?.Target is not Blob blob)
        {
            return null;
        }

        if (!lists.TryGetValue(blob.Id, out var list))
        {
            // Newest first, a commit's parents come soon after it: a few lists are enough to keep.
            if (lists.Count >= 8)
            {
                lists.Clear();
            }

            lists[blob.Id] = list = _cache?.BlobId == blob.Id ? _cache.List : TaskListSnapshot.Read(blob, Mode.NonExecutableFile).List;
        }

        return list;
    }

    /// <summary>Runs a read under the gate (one <see cref="Repository"/> is not thread-safe), off the caller's thread.</summary>
    private async Task<T> ReadAsync<T>(Func<CancellationToken, T> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await Task.Run(() => read(cancellationToken), cancellationToken);
        }
        catch (LibGit2SharpException ex)
        {
            throw Domain.Errors.ThermoclineException.Unavailable($"git could not read history ({ex.Message}).", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The task list at the tip of the hub's branch as git has it (parsed, cached by blob id).</summary>
    public Task<TaskList> ReadTaskListAsync(CancellationToken cancellationToken = default) =>
        ListWhileTalkingToRemote() is { } last ? Task.FromResult(last) : ReadAsync(_ => Load(ReadTip()).List, cancellationToken);
}
