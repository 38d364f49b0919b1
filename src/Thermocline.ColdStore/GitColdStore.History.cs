using LibGit2Sharp;
using Thermocline.ColdStore.History;
using Thermocline.Domain.Identity;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
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
    /// Checks that history is clean: no commit records a hot-only transition or a heartbeat, every
    /// Thermocline commit changes only the task list, and display syncs change only the display section.
    /// Commits by people are not judged.
    /// </summary>
    public Task<HistoryAudit> AuditHistoryAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(ct => HistoryAuditor.Audit(_repo, _branchRef, _options.TaskListPath, ct), cancellationToken);

    private IEnumerable<Milestone> Milestones(string? prId, CancellationToken cancellationToken)
    {
        if (_repo.Refs[_branchRef] is not { } branch)
        {
            yield break;
        }

        foreach (var commit in _repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = branch, SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Time }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var message = commit.Message;
            if (MilestoneParser.Classify(message) is not (CommitKind.Transition or CommitKind.Dependencies))
            {
                continue;
            }

            foreach (var m in MilestoneParser.Parse(commit.Sha, message, commit.Committer.When))
            {
                if (prId is null || m.PrId == prId)
                {
                    yield return m;
                }
            }
        }
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
        ReadAsync(_ => Load(ReadTip()).List, cancellationToken);
}
