using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Sync.Events;
using Thermocline.Sync.Status;

namespace Thermocline.Sync;

/// <summary>Which PRs a claim of the next one may take (every field optional).</summary>
/// <param name="State">Claim into this hot state: only PRs that may be claimed into it.</param>
/// <param name="Prs">Only these PRs.</param>
/// <param name="AtLeast">Only PRs of this priority or higher.</param>
public sealed record ClaimNextFilter(HotState? State = null, IReadOnlyCollection<string>? Prs = null, Priority? AtLeast = null)
{
    /// <summary>True when <paramref name="pr"/> (claimable now) passes.</summary>
    public bool Accepts(PrStatus pr) =>
        (State is not { } state || pr.ClaimableAs.Contains(state))
        && (Prs is null || Prs.Contains(pr.Id))
        && (AtLeast is not { } floor || pr.Priority <= floor);
}

public sealed partial class StateSync
{
    private readonly SemaphoreSlim _claimNextGate = new(1, 1);

    /// <summary>
    /// Claims the best PR <paramref name="agent"/> may claim now — <see cref="ReadyAsync"/>'s order: priority, then the
    /// task list's — in one step: each candidate is claimed under its lock exactly as <see cref="ClaimAsync(string, string, HotState?, CancellationToken)"/> does, and
    /// one that another caller took first (or that moved meanwhile) is passed over for the next, so concurrent callers get
    /// different PRs and never the same one. With <paramref name="wait"/>, when nothing is ready it waits until an event
    /// could have made something claimable (a milestone, a dependency change, a release, an expired lease, a change in git)
    /// and looks again, until the time is up. Null when nothing was ready in time.
    /// </summary>
    public Task<TransitionResult?> ClaimNextAsync(string agent, ClaimNextFilter filter, TimeSpan wait, CancellationToken cancellationToken) =>
        ClaimNextAsync(agent, filter, wait, null, cancellationToken);

    /// <summary>
    /// <see cref="ClaimNextAsync(string, ClaimNextFilter, TimeSpan, TimeSpan?, CancellationToken)"/> that, with
    /// <paramref name="reserve"/>, reserves the chosen PR's <c>estimated_files</c> under its lease (a PR that lists none is
    /// claimed without). PRs whose files overlap a live reservation are never chosen.
    /// </summary>
    public Task<TransitionResult?> ClaimNextAsync(string agent, ClaimNextFilter filter, TimeSpan wait, TimeSpan? ttl, bool reserve, CancellationToken cancellationToken) =>
        ClaimNextAsync(agent, filter, wait, ttl, reserve ? new ClaimReservation(EstimatedFiles: true, WhenAny: true) : null, cancellationToken);

    /// <summary>
    /// <see cref="ClaimNextAsync(string, ClaimNextFilter, TimeSpan, CancellationToken)"/> with a lease that lives
    /// <paramref name="ttl"/> after each heartbeat (see <see cref="ClaimAsync(string, string, HotState?, TimeSpan?, CancellationToken)"/>).
    /// </summary>
    public Task<TransitionResult?> ClaimNextAsync(string agent, ClaimNextFilter filter, TimeSpan wait, TimeSpan? ttl, CancellationToken cancellationToken) =>
        ClaimNextAsync(agent, filter, wait, ttl, (ClaimReservation?)null, cancellationToken);

    private async Task<TransitionResult?> ClaimNextAsync(string agent, ClaimNextFilter filter, TimeSpan wait, TimeSpan? ttl, ClaimReservation? reserve, CancellationToken cancellationToken)
    {
        ValidateAgent(agent);
        CheckTtl(ttl);
        if (filter.Prs?.FirstOrDefault(id => !Domain.Identity.PrId.IsValid(id)) is { } bad)
        {
            throw ThermoclineException.InvalidPrId(bad);
        }

        var started = _time.GetTimestamp();
        while (true)
        {
            // Read before looking: whatever happens after the look is an event after this number, so no wake-up is missed.
            var seen = Events.Last;
            if (await TryClaimNextAsync(agent, filter, ttl, reserve, cancellationToken) is { } claimed)
            {
                return claimed;
            }

            var left = wait - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            using var timeout = new CancellationTokenSource(left, _time);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await Events.WaitAsync(seen, CouldFreeWork, both.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return await TryClaimNextAsync(agent, filter, ttl, reserve, cancellationToken); // one last look at the deadline
            }
        }
    }

    // One caller at a time chooses (in this hub): the next finds the PR the last one took in the hot index, instead of
    // every caller racing for the same best PR and walking down the list one refused claim at a time. Candidates come from
    // git's list and the hot index (one SMEMBERS), not from every PR's Redis keys; only when that finds nothing is the
    // exact view read (a lease that expired and is not swept yet is claimable, but still in the index).
    private async Task<TransitionResult?> TryClaimNextAsync(string agent, ClaimNextFilter filter, TimeSpan? ttl, ClaimReservation? reserve, CancellationToken cancellationToken)
    {
        await _claimNextGate.WaitAsync(cancellationToken);
        try
        {
            return await ClaimFirstAsync(await QuickCandidatesAsync(filter, cancellationToken), agent, filter, ttl, reserve, cancellationToken)
                ?? await ClaimFirstAsync((await ReadyAsync(cancellationToken)).Where(c => filter.Accepts(c) && !c.HotStateUnavailable), agent, filter, ttl, reserve, cancellationToken);
        }
        finally
        {
            _claimNextGate.Release();
        }
    }

    private async Task<IReadOnlyList<PrStatus>> QuickCandidatesAsync(ClaimNextFilter filter, CancellationToken cancellationToken)
    {
        var list = RequireList(await ReadGitAsync(cancellationToken));
        IReadOnlyList<string> hot;
        try
        {
            hot = await _hot.ListHotIndexAsync(cancellationToken);
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
        {
            return []; // the exact view says so
        }

        var held = hot.ToHashSet(StringComparer.Ordinal);
        var reserved = await ListReservationsAsync(cancellationToken);
        var now = _time.GetUtcNow();
        return list.Prs
            .Select((pr, i) => (Status: held.Contains(pr.Id) ? null : ToStatus(pr, null, list, now, reserved), Order: i))
            .Where(x => x.Status is { ClaimableAs.Count: > 0 } && filter.Accepts(x.Status))
            .OrderBy(x => x.Status!.Priority)
            .ThenBy(x => x.Order)
            .Select(x => x.Status!)
            .ToList();
    }

    private async Task<TransitionResult?> ClaimFirstAsync(
        IEnumerable<PrStatus> candidates, string agent, ClaimNextFilter filter, TimeSpan? ttl, ClaimReservation? reserve, CancellationToken cancellationToken)
    {
        foreach (var candidate in candidates)
        {
            try
            {
                return await ClaimAsync(candidate.Id, agent, filter.State, ttl, reserve, cancellationToken);
            }
            catch (ThermoclineException ex) when (ex.Kind is ErrorKind.LeaseConflict or ErrorKind.InvalidTransition or ErrorKind.NotFound)
            {
                // Claimed through the per-PR route meanwhile, or it moved since the list was read: the next one.
            }
        }

        return null;
    }

    private static bool CouldFreeWork(SyncEvent e) => e.Kind is SyncEventKind.ColdCommit or SyncEventKind.DependencyCommit
        or SyncEventKind.Released or SyncEventKind.Swept or SyncEventKind.Conflict or SyncEventKind.GitChanged
        or SyncEventKind.Recovered or SyncEventKind.Hydrated or SyncEventKind.TaskListRepaired;
}
