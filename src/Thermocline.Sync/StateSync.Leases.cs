using System.Globalization;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.HotStore.Leases;
using Thermocline.HotStore.Snapshots;

namespace Thermocline.Sync;

public sealed partial class StateSync
{
    /// <summary>
    /// Is the lease with <paramref name="fence"/> of <paramref name="prId"/> still current, and if not, when and how did it
    /// end (<c>thermo verify-push</c> judges an agent's commits by it). Redis tells the current lease and the PR's latest
    /// lease record (which outlives the lease: its expiry, release or milestone); git's milestones carry the fence of the
    /// lease they ended, so a lease that ended with its milestone is known even after Redis was wiped. A fence above the
    /// durable fence ceiling was never handed out. While Redis is away the answer is git's alone, and says so.
    /// </summary>
    /// <exception cref="ThermoclineException"><see cref="ErrorKind.Usage"/> for a fence below 1; <see cref="ErrorKind.NotFound"/> for a PR git does not have.</exception>
    public async Task<LeaseStanding> GetLeaseStandingAsync(string prId, long fence, CancellationToken cancellationToken)
    {
        if (!Domain.Identity.PrId.IsValid(prId))
        {
            throw ThermoclineException.InvalidPrId(prId);
        }

        if (fence < 1)
        {
            throw ThermoclineException.Usage($"{fence} is not a fence; fences start at 1.");
        }

        _ = RequireList(await ReadGitAsync(cancellationToken)).Find(prId) ?? throw ThermoclineException.UnknownPr(prId);
        PrHotSnapshot? snapshot = null;
        LeaseRecord? record = null;
        long? counter = null;
        var redisAway = false;
        try
        {
            snapshot = await _hot.GetAsync(prId, cancellationToken);
            (record, counter) = await _hot.GetLeaseRecordAsync(prId, cancellationToken);
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
        {
            redisAway = true;
        }

        var milestones = await _cold.GetHistoryAsync(prId, null, cancellationToken);
        return Standing(prId, fence, snapshot, record, counter, milestones, redisAway);
    }

    private LeaseStanding Standing(
        string prId, long fence, PrHotSnapshot? snapshot, LeaseRecord? record, long? counter, IReadOnlyList<Milestone> milestones, bool redisAway)
    {
        var now = _time.GetUtcNow();
        var own = milestones.FirstOrDefault(m => m.Lease == fence);
        var gitOnly = redisAway ? " (Redis is unreachable: from git alone)" : "";
        if (snapshot is { IsHot: true, HeldLease: { } held } && held.Fence == fence)
        {
            var endsAt = snapshot.ExpiresIn is { } left ? now + left : (DateTimeOffset?)null;
            return Make(LeaseStandingKind.Current, snapshot.Agent, endsAt, null, null, null, null, null,
                $"fence {fence} of {prId} is current: held by {snapshot.Agent}{(endsAt is { } e ? $" until {Iso(e)} unless renewed" : "")}.");
        }

        // The first newer lease known: the one that took over from this fence.
        var newer = new List<(long Fence, string? Agent)>();
        if (snapshot is { IsHot: true, HeldLease: { } current } && current.Fence > fence)
        {
            newer.Add((current.Fence, snapshot.Agent));
        }

        if (record is { } r && r.Fence > fence)
        {
            newer.Add((r.Fence, r.Agent));
        }

        newer.AddRange(milestones.Where(m => m.Lease > fence).Select(m => (m.Lease!.Value, (string?)m.Agent)));
        if (counter > fence && newer.Count == 0)
        {
            newer.Add((counter.Value, null));
        }

        if (newer.Count > 0)
        {
            var (by, byAgent) = newer.OrderBy(n => n.Fence).ThenBy(n => n.Agent is null).First();
            var (endedAt, ending) = own is not null ? (own.Timestamp, "milestone") : ((DateTimeOffset?)null, (string?)null);
            return Make(LeaseStandingKind.Superseded, own?.Agent, null, endedAt, ending, by, byAgent, own?.Sha,
                $"fence {fence} of {prId} is superseded: fence {by}{(byAgent is null ? "" : $" ({byAgent})")} was handed out after it{gitOnly}.");
        }

        // Not held (Redis's own TTL said so) while its record still says live: it lapsed, at the end its last heartbeat gave it.
        if (record is { } last && last.Fence == fence && (last.How != LeaseEnding.Live || snapshot is not null))
        {
            var ending = EndingName(last.How);
            return Make(LeaseStandingKind.Ended, last.Agent, null, last.EndsAt, ending, null, null, own?.Sha,
                $"fence {fence} of {prId} ended: {Described(ending)} at {Iso(last.EndsAt)}{(own is null ? "" : $" (commit {own.Sha[..10]})")}.");
        }

        if (own is not null)
        {
            return Make(LeaseStandingKind.Ended, own.Agent, null, own.Timestamp, "milestone", null, null, own.Sha,
                $"fence {fence} of {prId} ended with its milestone {own.From} → {own.To} at {Iso(own.Timestamp)} (commit {own.Sha[..10]}){gitOnly}.");
        }

        if (fence > Interlocked.Read(ref _fenceCeiling) && !redisAway)
        {
            return Make(LeaseStandingKind.NeverIssued, null, null, null, null, null, null, null,
                $"fence {fence} of {prId} was never handed out: no fence above {Interlocked.Read(ref _fenceCeiling)} ever was.");
        }

        return Make(LeaseStandingKind.Ended, record?.Fence == fence ? record.Agent : null, null, null, null, null, null, null,
            $"fence {fence} of {prId} is not held, and neither Redis nor git records when it ended{gitOnly}: the hot store lost it (wiped or restarted), or it was never this PR's.");
    }

    // The answer, its wire name filled in: (kind, agent, ends at, ended at, ending, superseded by, by whom, commit, message).
    private static LeaseStanding Make(
        LeaseStandingKind kind, string? agent, DateTimeOffset? endsAt, DateTimeOffset? endedAt, string? ending, long? supersededBy, string? byAgent, string? commit, string message) =>
        new(kind, LeaseStanding.NameOf(kind), agent, endedAt, ending, supersededBy, byAgent, commit, message) { EndsAt = endsAt };

    private static string EndingName(LeaseEnding how) => how switch
    {
        LeaseEnding.Live => "expired",
        LeaseEnding.Released => "released",
        LeaseEnding.Milestone => "milestone",
        _ => "cleared",
    };

    private static string Described(string ending) => ending switch
    {
        "expired" => "it expired without a heartbeat",
        "released" => "its holder released it",
        "milestone" => "it ended with its milestone",
        _ => "the hub cleared it",
    };

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
