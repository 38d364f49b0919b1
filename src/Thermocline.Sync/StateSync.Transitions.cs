using Thermocline.Domain.Commits;
using Thermocline.Domain.Dependencies;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore.Leases;
using Thermocline.HotStore.Queueing;
using Thermocline.HotStore.Snapshots;
using Thermocline.Sync.Events;
using Thermocline.Sync.Status;

namespace Thermocline.Sync;

public sealed partial class StateSync
{
    /// <summary>
    /// Claims <paramref name="prId"/> for <paramref name="agent"/> into <paramref name="target"/> (cold → hot): only when
    /// git's cold state allows it, its dependencies are met (for ready and planned PRs) and nobody live holds it. With no
    /// target, the usual one for git's cold state (<see cref="StateMachine.DefaultClaimTarget"/>), chosen under the PR's lock.
    /// Returns the new lease.
    /// </summary>
    public Task<TransitionResult> ClaimAsync(string prId, string agent, HotState? target, CancellationToken cancellationToken) =>
        ClaimAsync(prId, agent, target, null, cancellationToken);

    /// <summary>
    /// <see cref="ClaimAsync(string, string, HotState?, CancellationToken)"/> with a lease that lives <paramref name="ttl"/>
    /// after each heartbeat (1 s to <see cref="SyncOptions.MaxLeaseTtl"/>; default the hot store's heartbeat TTL). The
    /// answer hands over the note the PR's previous holder left, if any.
    /// </summary>
    public Task<TransitionResult> ClaimAsync(string prId, string agent, HotState? target, TimeSpan? ttl, CancellationToken cancellationToken) =>
        ClaimAsync(prId, agent, target, ttl, null, cancellationToken);

    /// <summary>
    /// <see cref="ClaimAsync(string, string, HotState?, TimeSpan?, CancellationToken)"/> that also reserves paths under the
    /// new lease (<paramref name="reserve"/>; null: none), in the claim's own script. Every claim is refused while the PR's
    /// <c>estimated_files</c> overlap another PR's live reservation, and a reserving one while what it reserves does.
    /// </summary>
    public async Task<TransitionResult> ClaimAsync(string prId, string agent, HotState? target, TimeSpan? ttl, ClaimReservation? reserve, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        ValidateIds(prId, agent);
        CheckTtl(ttl);
        using var span = SyncTracing.Start("claim", prId);
        using (await _locks.AcquireAsync(prId, cancellationToken))
        {
            return await ClaimLockedAsync(prId, agent, target, await _hot.GetAsync(prId, cancellationToken), started, cancellationToken, ttl, reserve);
        }
    }

    private void CheckTtl(TimeSpan? ttl)
    {
        if (ttl is { } t && (t < TimeSpan.FromSeconds(1) || t > _options.MaxLeaseTtl))
        {
            throw ThermoclineException.Usage(
                $"a lease of {Durations(t)} is out of bounds: this hub grants 1 s to {Durations(_options.MaxLeaseTtl)} (its max-lease-ttl setting). Keep a long lease alive with heartbeats instead.");
        }
    }

    private static string Durations(TimeSpan t) => t.TotalHours >= 1 && t.TotalHours % 1 == 0 ? $"{t.TotalHours:0} h"
        : t.TotalMinutes >= 1 && t.TotalMinutes % 1 == 0 ? $"{t.TotalMinutes:0} min"
        : $"{t.TotalSeconds:0.###} s";

    /// <summary>
    /// Any allowed transition from the PR's effective state to <paramref name="target"/>: a claim when the PR is not hot
    /// and the target is, a hot → hot step or a milestone (hot → cold, committed) for the lease holder, or a cold → cold
    /// milestone (committed; needs no lease). A milestone triggers the dependency engine, whose changes go into one
    /// following commit. Asking for the state the PR is in changes nothing.
    /// </summary>
    public async Task<TransitionResult> TransitionAsync(string prId, WorkState target, string agent, Lease? lease, string? reason, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        ValidateIds(prId, agent);
        using var span = SyncTracing.Start("transition", prId);
        using (await _locks.AcquireAsync(prId, cancellationToken))
        {
            if (target.IsHot)
            {
                PrHotSnapshot snapshot;
                try
                {
                    snapshot = await _hot.GetAsync(prId, cancellationToken);
                }
                catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable && lease is not null)
                {
                    // Redis is away: a hot → hot step of a lease holder is queued and checked when it is replayed.
                    var queued = await _hot.TransitionHotAsync(prId, lease, target.Hot, cancellationToken);
                    ObserveQueuedHotStep(target.Hot, lease.Fence, started);
                    return new TransitionResult(prId, target, target, false, lease, null, null, []) { Queued = queued == HotWriteResult.Queued };
                }

                if (!snapshot.IsHot)
                {
                    if (lease is not null)
                    {
                        throw LeaseLost(prId, lease, snapshot);
                    }

                    return await ClaimLockedAsync(prId, agent, target.Hot, snapshot, started, cancellationToken);
                }

                var held = RequireHolder(snapshot, agent, lease);
                await RequireListedAsync(prId, cancellationToken);
                var check = StateMachine.Check(WorkState.Of(snapshot.HotState!.Value), target);
                if (check.Verdict == TransitionVerdict.NoOp)
                {
                    return new TransitionResult(prId, target, target, true, held, null, null, []);
                }

                await _hot.TransitionHotAsync(prId, held, target.Hot, cancellationToken);
                ObserveHotStep(prId, snapshot.HotState.Value, target.Hot, agent, held.Fence, started);
                return new TransitionResult(prId, snapshot.HotState.Value, target, false, held, null, null, []);
            }

            return await CommitMilestoneLockedAsync(prId, target.Cold, agent, lease, reason, started, cancellationToken);
        }
    }

    /// <summary>
    /// Keeps the lease alive another heartbeat period. Queued while Redis is away. Refused as an unknown PR once the PR is
    /// no longer in the task list (a person deleted it): there is no work left to keep alive.
    /// </summary>
    public Task<HotWriteResult> HeartbeatAsync(string prId, string agent, Lease lease, CancellationToken cancellationToken) =>
        HeartbeatAsync(prId, agent, lease, null, cancellationToken);

    /// <summary>
    /// A heartbeat that also leaves <paramref name="note"/> as the PR's handoff note (see <see cref="LeaseNote"/>): where the
    /// work stands, for <c>status</c> and for whoever claims the PR after this lease. A bad note changes nothing.
    /// </summary>
    public async Task<HotWriteResult> HeartbeatAsync(string prId, string agent, Lease lease, string? note, CancellationToken cancellationToken)
    {
        ValidateIds(prId, agent);
        if (note is not null)
        {
            LeaseNote.Validate(note);
        }

        await RequireListedAsync(prId, cancellationToken);
        await CheckHolderIfReachableAsync(prId, agent, lease, cancellationToken);
        HotWriteResult beat;
        try
        {
            beat = await _hot.HeartbeatAsync(prId, lease, cancellationToken);
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.LeaseConflict)
        {
            // The heartbeat put the PR in the hot index before its script found the lease gone (its work cleared, or
            // lapsed): left there, reconciliation would report an expired heartbeat for a PR nobody holds.
            await DropClearedFromHotIndexAsync(prId, cancellationToken);
            throw;
        }

        return note is null ? beat : await _hot.NoteAsync(prId, lease, agent, note, cancellationToken);
    }

    /// <summary>Drops the PR's hot state; it is back at its cold state. Queued while Redis is away.</summary>
    public async Task<HotWriteResult> ReleaseAsync(string prId, string agent, Lease lease, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        ValidateIds(prId, agent);
        using var span = SyncTracing.Start("release", prId);
        using (await _locks.AcquireAsync(prId, cancellationToken))
        {
            await CheckHolderIfReachableAsync(prId, agent, lease, cancellationToken);
            var result = await _hot.ReleaseAsync(prId, lease, cancellationToken);
            _claims.TryRemove(prId, out _);
            if (result == HotWriteResult.Applied)
            {
                await DropClearedFromHotIndexAsync(prId, cancellationToken);
            }

            ObserveRelease(prId, agent, lease.Fence, started);
            return result;
        }
    }

    /// <summary>
    /// A person ends a hot state whose holder stopped (a stuck lease) without that holder's lease: only the lease they saw,
    /// named by its fence — if it was renewed by a new claim since, or ended, nothing changes. The PR is back at its cold
    /// state; the holder's next heartbeat or step is refused as for a lapsed lease. <paramref name="person"/> is named in
    /// the log and the event, with <paramref name="reason"/>.
    /// </summary>
    /// <exception cref="ThermoclineException">
    /// <see cref="ErrorKind.LeaseConflict"/> when the PR is not hot, or its lease is not fence <paramref name="fence"/>;
    /// <see cref="ErrorKind.Unavailable"/> while Redis is away (a release not seen to hold cannot be queued).
    /// </exception>
    public async Task<PrStatus> ReleaseStuckAsync(string prId, string person, long fence, string reason, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        ValidateIds(prId, person);
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            throw ThermoclineException.Usage("say why the lease is stuck (a reason of 1 to 500 characters): it is logged with your name.");
        }

        using var span = SyncTracing.Start("release-stuck", prId);
        using (await _locks.AcquireAsync(prId, cancellationToken))
        {
            await RequireListedAsync(prId, cancellationToken);
            var snapshot = await _hot.GetAsync(prId, cancellationToken);
            if (!snapshot.IsHot || snapshot.HeldLease is not { } held)
            {
                throw ThermoclineException.LeaseConflict($"{prId} holds no lease now (it ended or lapsed already): nothing to release.");
            }

            if (held.Fence != fence)
            {
                throw ThermoclineException.LeaseConflict(
                    $"{prId}'s lease is {held.Fence} now ({snapshot.Agent}, {StateNames.Of(snapshot.HotState!.Value)}), not {fence}: it was claimed again since you looked. Nothing was released; look again.");
            }

            // The holder's own fenced script: refused, and nothing changed, if the lease moved since the read above.
            if (await _hot.ReleaseAsync(prId, held, cancellationToken) != HotWriteResult.Applied)
            {
                throw ThermoclineException.Unavailable($"Redis went away while releasing {prId}; nothing was released. Retry when the hub is healthy.");
            }

            _claims.TryRemove(prId, out _);
            await DropClearedFromHotIndexAsync(prId, cancellationToken);
            ObserveStuckRelease(prId, snapshot, person, CommitText.SingleLine(reason, 500)!, started);
        }

        return await GetAsync(prId, cancellationToken);
    }

    private async Task<TransitionResult> ClaimLockedAsync(
        string prId, string agent, HotState? wanted, PrHotSnapshot snapshot, long started, CancellationToken cancellationToken, TimeSpan? ttl = null, ClaimReservation? reserve = null)
    {
        var list = await ReadCurrentGitAsync("claims are refused", cancellationToken);
        var pr = list.Find(prId) ?? throw ThermoclineException.UnknownPr(prId);
        if (snapshot.ColdState != pr.ColdState && !snapshot.IsHot)
        {
            (list, pr) = await RecacheColdStateAsync(prId, cancellationToken);
        }

        var target = wanted ?? StateMachine.DefaultClaimTarget(pr.ColdState)
            ?? throw ThermoclineException.InvalidTransition(prId, StateMachine.Check(snapshot.HotState is { } hot ? hot : pr.ColdState, HotState.InProgress));

        var check = StateMachine.Check(pr.ColdState, null, target);
        if (!check.IsAllowed)
        {
            throw ThermoclineException.InvalidTransition(prId, check);
        }

        if (pr.ColdState is ColdState.Ready or ColdState.Planned && DependencyRules.Unmet(pr, list) is { Count: > 0 } unmet)
        {
            throw ThermoclineException.InvalidTransition(prId, check with
            {
                Verdict = TransitionVerdict.Refused,
                Reason = $"{pr.ColdState} → {StateNames.Of(target)} waits on unmet dependencies: {string.Join(", ", unmet)}",
            });
        }

        var reservation = reserve is null ? null : Resolve(pr, reserve);
        Lease lease;
        if (reservation is null)
        {
            await CheckPathsFreeAsync(pr, null, cancellationToken);
            lease = await _hot.ClaimAsync(prId, agent, target, pr.ColdState, cancellationToken, ttl);
        }
        else
        {
            await _reservationGate.WaitAsync(cancellationToken);
            try
            {
                await CheckPathsFreeAsync(pr, reservation, cancellationToken);
                lease = await _hot.ClaimAsync(prId, agent, target, pr.ColdState, reservation, cancellationToken, ttl);
            }
            finally
            {
                _reservationGate.Release();
            }
        }

        try
        {
            await CoverFenceAsync(lease.Fence, cancellationToken);
        }
        catch (ThermoclineException)
        {
            // Unanswered, the lease must not stand: nobody would hold it, and its fence is not on record.
            await _hot.ReleaseAsync(prId, lease, CancellationToken.None);
            throw;
        }

        _claims[prId] = (lease.Fence, _time.GetUtcNow());
        ObserveClaim(prId, pr.ColdState, target, agent, lease.Fence, started);
        return new TransitionResult(prId, pr.ColdState, target, false, lease, null, null, [])
        {
            Handoff = snapshot.Note,
            LeaseTtl = ttl ?? _hot.HeartbeatTtl,
            ReservedPaths = reservation,
        };
    }

    private async Task<TransitionResult> CommitMilestoneLockedAsync(string prId, ColdState target, string agent, Lease? lease, string? reason, long started, CancellationToken cancellationToken)
    {
        var list = await ReadGitForCommitAsync(cancellationToken);
        var pr = list.Find(prId) ?? throw ThermoclineException.UnknownPr(prId);

        // Without Redis a cold → cold milestone still goes through (git is the truth); ending a hot state needs the lease checked.
        PrHotSnapshot? snapshot = null;
        try
        {
            snapshot = await _hot.GetAsync(prId, cancellationToken);
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable && lease is null)
        {
        }

        if (lease is not null && snapshot is not null && (!snapshot.IsHot || snapshot.Fence != lease.Fence))
        {
            // A retry of a milestone that already landed (its answer was lost, or the hub crashed after the commit)
            // is answered from git instead of failing: the holder's lease is in the milestone's commit.
            // Only when git's current state really has it: a milestone a person (or a dependency) undid since is not "done".
            if (pr.ColdState == target && await _cold.GetLastMilestoneAsync(prId, cancellationToken) is { } done
                && done.Lease == lease.Fence && done.To == target && done.Agent == agent)
            {
                return new TransitionResult(prId, done.From, target, true, lease, done.Sha, null, []);
            }

            if (!snapshot.IsHot)
            {
                throw LeaseLost(prId, lease, snapshot);
            }
        }

        var from = WorkState.Effective(pr.ColdState, snapshot?.HotState);
        var check = StateMachine.Check(from, target);
        if (check.Verdict == TransitionVerdict.NoOp)
        {
            return new TransitionResult(prId, from, target, true, null, null, null, []);
        }

        if (!check.IsAllowed)
        {
            throw ThermoclineException.InvalidTransition(prId, check);
        }

        Lease? held = null;
        if (from.IsHot)
        {
            held = RequireHolder(snapshot!, agent, lease);
            if (!StateMachine.HotStatesConsistentWith(pr.ColdState).Contains(from.Hot))
            {
                // Git moved underneath the work (a person's commit, a dependency that broke): git wins, so this
                // milestone must not be stacked on a cold state the claim never started from.
                throw ThermoclineException.LeaseConflict(
                    $"{prId}: the cold state moved underneath: git now shows {StateNames.Of(pr.ColdState)}, which {from} does not follow from. " +
                    $"Nothing was committed; reconciliation clears the hot state. Re-read the PR's state and claim it again if it is still to be done.");
            }

            await _hot.VerifyLeaseAsync(prId, held, cancellationToken);
        }

        var committing = _time.GetTimestamp();
        var commit = await WriteGitAsync(() => _cold.CommitTransitionAsync(
            new ColdTransition(prId, from, target, agent) { Lease = held?.Fence, Reason = reason, ClaimedFrom = pr.ColdState },
            cancellationToken));
        Failpoints.Reach(Failpoints.AfterColdCommit);
        ObserveMilestone(prId, from, target, check.Transition.Kind, agent, held?.Fence, commit.Sha, _time.GetElapsedTime(committing), started);

        try
        {
            if (from.IsHot)
            {
                await _hot.ClearHotAsync(prId, held, target, cancellationToken);
                _claims.TryRemove(prId, out _);
                await DropClearedFromHotIndexAsync(prId, cancellationToken);
            }
            else
            {
                await _hot.SetColdStateAsync(prId, target, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is ThermoclineException or TimeoutException)
        {
            ObserveRedisCatchUp(ex, prId, commit.Sha);
        }

        var dependencies = await TryApplyDependenciesAsync($"{prId} → {StateNames.Of(target)}", cancellationToken);
        return new TransitionResult(prId, from, target, false, held, commit.Sha, dependencies.Commit, dependencies.Changes) { PushedTo = commit.PushedTo };
    }

    private static Lease RequireHolder(PrHotSnapshot snapshot, string agent, Lease? lease)
    {
        if (lease is null)
        {
            throw ThermoclineException.LeaseConflict(
                $"{snapshot.PrId} is {StateNames.Of(snapshot.HotState!.Value)}, held by {snapshot.Agent}: present that claim's lease (--lease FENCE:ID) to move it.");
        }

        if (snapshot.Agent is not null && snapshot.Agent != agent)
        {
            throw ThermoclineException.LeaseConflict(
                $"{snapshot.PrId} is held by {snapshot.Agent}, not {agent}; only the holder may move or release it.");
        }

        return lease;
    }

    /// <summary>
    /// Refuses work on a PR the task list no longer has. Judged on the last good list while the one at HEAD does not parse,
    /// and not at all when there never was one: a broken file must not end anyone's lease.
    /// </summary>
    private async Task RequireListedAsync(string prId, CancellationToken cancellationToken)
    {
        if (await ReadGitAsync(cancellationToken) is { } list && list.Find(prId) is null)
        {
            throw ThermoclineException.UnknownPr(prId);
        }
    }

    private static ThermoclineException LeaseLost(string prId, Lease lease, PrHotSnapshot snapshot) => ThermoclineException.LeaseConflict(
        $"lease {lease.Fence} on {prId} is no longer current: the hot state expired or was released, and the PR is back at " +
        $"{(snapshot.ColdState is { } cold ? StateNames.Of(cold) : "its cold state")}. Claim it again (thermo claim {prId}) to continue.");

    private async Task CheckHolderIfReachableAsync(string prId, string agent, Lease lease, CancellationToken cancellationToken)
    {
        PrHotSnapshot snapshot;
        try
        {
            snapshot = await _hot.GetAsync(prId, cancellationToken);
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
        {
            return; // the update is queued; the lease itself is checked when it is replayed
        }

        if (snapshot.IsHot)
        {
            RequireHolder(snapshot, agent, lease);
        }
    }

    /// <summary>
    /// Redis's cache of <paramref name="prId"/>'s cold state disagrees with git (a person committed to git, or Redis lost
    /// its data): git wins. Under the dependency gate, so the engine's own commit-then-cache cannot interleave: re-reads
    /// git and caches git's state. (Fences need no seeding: every claim is above the hot store's fence floor.)
    /// </summary>
    private async Task<(TaskList List, PrEntry Pr)> RecacheColdStateAsync(string prId, CancellationToken cancellationToken)
    {
        await _dependencyGate.WaitAsync(cancellationToken);
        try
        {
            var list = RequireList(await ReadGitAsync(cancellationToken));
            var pr = list.Find(prId) ?? throw ThermoclineException.UnknownPr(prId);
            await _hot.SetColdStateAsync(prId, pr.ColdState, cancellationToken);
            return (list, pr);
        }
        finally
        {
            _dependencyGate.Release();
        }
    }

    /// <summary>
    /// The hot index lives outside the PR's hash slot, so clearing a hot state leaves the id behind; without this,
    /// reconciliation would report every milestone and release as an expired heartbeat. Best effort: the sweep
    /// cycle catches up when it fails.
    /// </summary>
    // A release or milestone leaves the PR in the hot index; drop just that one (expired ones are the sweep's job).
    private async Task DropClearedFromHotIndexAsync(string prId, CancellationToken cancellationToken)
    {
        try
        {
            await _hot.ForgetIfNotHotAsync(prId, cancellationToken);
        }
        catch (Exception ex) when (ex is ThermoclineException or TimeoutException)
        {
            SyncLog.CycleFailed(_logger, ex, $"hot index clean-up after {prId}");
        }
    }
}
