using Thermocline.ColdStore;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Dependencies;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore.Snapshots;
using Thermocline.Sync.Status;

namespace Thermocline.Sync;

public sealed partial class StateSync
{
    /// <summary>
    /// Every PR with its cold and hot state, in task-list order; one pipelined Redis read. Without Redis, every status says
    /// <see cref="PrStatus.HotStateUnavailable"/> (its hot columns are unknown); while the task list at HEAD does not parse,
    /// every status is the last good list's and says <see cref="PrStatus.TaskListStale"/>.
    /// </summary>
    public async Task<IReadOnlyList<PrStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var list = RequireList(await ReadGitAsync(cancellationToken));
        var stale = TaskListProblem is not null;
        var ids = list.Prs.Select(p => p.Id).ToList();
        IReadOnlyList<PrHotSnapshot?> snapshots;
        var unavailable = false;
        try
        {
            snapshots = await _hot.GetManyAsync(ids, cancellationToken);
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
        {
            snapshots = new PrHotSnapshot?[ids.Count];
            unavailable = true;
        }

        var now = _time.GetUtcNow();
        var reserved = LiveReservations(snapshots);
        return list.Prs.Select((pr, i) => ToStatus(pr, snapshots[i], list, now, reserved) with { HotStateUnavailable = unavailable, TaskListStale = stale }).ToList();
    }

    /// <summary>Milestones from git, newest first, of one PR or all (<c>thermo log</c>); see <see cref="GitColdStore.GetHistoryAsync"/>.</summary>
    public Task<IReadOnlyList<Milestone>> GetHistoryAsync(string? prId, int? limit, CancellationToken cancellationToken) =>
        _cold.GetHistoryAsync(prId, limit, cancellationToken);

    /// <summary>One PR's status (from the last good task list, and saying so, while the one at HEAD does not parse).</summary>
    public async Task<PrStatus> GetAsync(string prId, CancellationToken cancellationToken)
    {
        if (!Domain.Identity.PrId.IsValid(prId))
        {
            throw ThermoclineException.InvalidPrId(prId);
        }

        var list = RequireList(await ReadGitAsync(cancellationToken));
        var stale = TaskListProblem is not null;
        var pr = list.Find(prId) ?? throw ThermoclineException.UnknownPr(prId);
        var snapshot = await _hot.GetAsync(prId, cancellationToken);
        var reserved = snapshot.IsHot || EstimatedPaths(pr) is null ? null : await ListReservationsAsync(cancellationToken);
        return ToStatus(pr, snapshot, list, _time.GetUtcNow(), reserved) with { TaskListStale = stale };
    }

    /// <summary>One PR with what the task list says of it (for a person: the board's PR page).</summary>
    public async Task<PrDetails> GetDetailsAsync(string prId, CancellationToken cancellationToken)
    {
        var status = await GetAsync(prId, cancellationToken);
        var list = RequireList(await ReadGitAsync(cancellationToken));
        var pr = list.Find(prId) ?? throw ThermoclineException.UnknownPr(prId);
        return new PrDetails(status, list.BodyOf(prId) ?? "", pr.Complexity, pr.EstimatedFiles, list.FieldsOf(prId)?.DiscoveredFrom);
    }

    /// <summary>
    /// The PRs an agent may claim now: not hot, dependencies met, cold state allowing a claim; by priority (critical
    /// first), then in task-list order. Flagged like <see cref="ListAsync"/> when Redis or the task list cannot be trusted.
    /// </summary>
    public async Task<IReadOnlyList<PrStatus>> ReadyAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken))
            .Select((s, i) => (Status: s, Order: i))
            .Where(x => x.Status.ClaimableAs.Count > 0)
            .OrderBy(x => x.Status.Priority)
            .ThenBy(x => x.Order)
            .Select(x => x.Status)
            .ToList();

    private static PrStatus ToStatus(PrEntry pr, PrHotSnapshot? hot, TaskList list, DateTimeOffset now, IReadOnlyList<LiveReservation>? reserved = null)
    {
        var unmet = DependencyRules.Unmet(pr, list);
        return new PrStatus(
            pr.Id,
            pr.Title,
            pr.Priority ?? Priority.Medium,
            pr.ColdState,
            hot?.HotState,
            hot?.IsHot == true ? hot.Agent : null,
            hot?.IsHot == true ? hot.LastHeartbeat : null,
            hot is { IsHot: true, LastHeartbeat: { } beat } ? now - beat : null,
            hot?.IsHot == true ? hot.ExpiresIn : null,
            hot?.IsHot == true ? hot.Fence : null,
            pr.Dependencies,
            unmet)
        {
            Note = hot?.Note,
            ReservedPaths = hot?.IsHot == true ? hot.ReservedPaths : null,
            WaitsForPaths = hot?.IsHot == true || reserved is null ? null : WaitsFor(pr, reserved),
        };
    }
}
