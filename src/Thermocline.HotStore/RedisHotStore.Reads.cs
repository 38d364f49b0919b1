using System.Globalization;
using StackExchange.Redis;
using Thermocline.Domain.Identity;
using Thermocline.Domain.Leases;
using Thermocline.Domain.Paths;
using Thermocline.Domain.States;
using Thermocline.HotStore.Leases;
using Thermocline.HotStore.Logging;
using Thermocline.HotStore.Snapshots;

namespace Thermocline.HotStore;

public sealed partial class RedisHotStore
{
    /// <summary>What Redis holds for <paramref name="prId"/>: one round trip (<c>MGET</c> and <c>PTTL</c> of one slot).</summary>
    public async Task<PrHotSnapshot> GetAsync(string prId, CancellationToken cancellationToken)
    {
        var snapshots = await GetManyAsync([prId], cancellationToken);
        return snapshots[0];
    }

    /// <summary>Snapshots of <paramref name="prIds"/>, in that order, read in one pipelined round trip.</summary>
    public Task<IReadOnlyList<PrHotSnapshot>> GetManyAsync(IReadOnlyList<string> prIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prIds);
        var keys = prIds.Select(Keys.For).ToArray();
        return RunAsync("read PR states", async () =>
        {
            var reads = new (Task<RedisValue[]> Values, Task<TimeSpan?> Ttl)[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                var k = keys[i];
                reads[i] = (_db.StringGetAsync([k.HotState, k.Agent, k.Heartbeat, k.Lease, k.ColdState, k.Note, k.Paths]), _db.KeyTimeToLiveAsync(k.HotState));
            }

            var result = new PrHotSnapshot[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                result[i] = ToSnapshot(prIds[i], await reads[i].Values, await reads[i].Ttl);
            }

            return (IReadOnlyList<PrHotSnapshot>)result;
        }, cancellationToken);
    }

    /// <summary>
    /// Every PR with a live hot state, by id: the hot index (<c>SMEMBERS</c>) then one pipelined read of those PRs —
    /// two round trips whatever the number of PRs, no <c>KEYS</c> or <c>SCAN</c>.
    /// </summary>
    public async Task<IReadOnlyList<PrHotSnapshot>> ListHotAsync(CancellationToken cancellationToken)
    {
        var ids = await HotIndexIdsAsync(cancellationToken);
        var snapshots = await GetManyAsync(ids, cancellationToken);
        return snapshots.Where(s => s.IsHot).ToList();
    }

    /// <summary>
    /// Every live path reservation, by PR id: the reserved index (<c>SMEMBERS</c>) then those PRs read in one pipelined
    /// round trip — nothing but the index when no lease reserves paths. Ids whose reservation is gone leave the index.
    /// </summary>
    public async Task<IReadOnlyList<PrHotSnapshot>> ListReservationsAsync(CancellationToken cancellationToken)
    {
        var members = await RunAsync("read the reserved index", () => _db.SetMembersAsync(Keys.ReservedIndex), cancellationToken);
        var ids = members.Select(m => (string)m!).Where(PrId.IsValid).Order(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var snapshots = await GetManyAsync(ids, cancellationToken);
        var gone = snapshots.Where(s => s.ReservedPaths is null).Select(s => (RedisValue)s.PrId).ToArray();
        if (gone.Length > 0)
        {
            // A claim that reserves adds its id before its script runs: one taking the id now re-adds it first.
            _ = _db.SetRemoveAsync(Keys.ReservedIndex, gone, CommandFlags.FireAndForget);
        }

        return snapshots.Where(s => s is { IsHot: true, ReservedPaths: not null }).ToList();
    }

    /// <summary>
    /// The PR's latest lease record and its fencing counter (the last fence handed out), for "is fence F current, or when did
    /// it end": one round trip. Either is null when Redis has none (never claimed here, or wiped since).
    /// </summary>
    public Task<(LeaseRecord? Latest, long? LastFence)> GetLeaseRecordAsync(string prId, CancellationToken cancellationToken)
    {
        var keys = Keys.For(prId);
        return RunAsync($"read the lease record of {prId}", async () =>
        {
            var values = await _db.StringGetAsync([keys.LastLease, keys.Fence]);
            return (LeaseRecord.Parse((string?)values[0]),
                long.TryParse((string?)values[1], NumberStyles.None, CultureInfo.InvariantCulture, out var fence) ? fence : (long?)null);
        }, cancellationToken);
    }

    /// <summary>The dependency set cached for <paramref name="prId"/>, sorted.</summary>
    public Task<IReadOnlyList<string>> GetDependenciesAsync(string prId, CancellationToken cancellationToken)
    {
        var keys = Keys.For(prId);
        return RunAsync($"read the dependencies of {prId}", async () =>
        {
            var members = await _db.SetMembersAsync(keys.Dependencies);
            return (IReadOnlyList<string>)members.Select(m => (string)m!).Order(StringComparer.Ordinal).ToList();
        }, cancellationToken);
    }

    /// <summary>
    /// Drops from the hot index the PRs whose hot state has expired or was cleared, and returns them. Should a claim
    /// slip in between the check and the removal, the id is put back; failing that, the holder's next heartbeat
    /// re-adds it.
    /// </summary>
    public async Task<IReadOnlyList<string>> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var ids = await HotIndexIdsAsync(cancellationToken);
        var stale = await RunAsync("sweep the hot index", async () =>
        {
            var gone = await NotHotAsync(ids);
            if (gone.Count == 0)
            {
                return gone;
            }

            await _db.SetRemoveAsync(Keys.HotIndex, gone.Select(id => (RedisValue)id).ToArray());
            var back = gone.Except(await NotHotAsync(gone)).ToList();
            if (back.Count > 0)
            {
                await _db.SetAddAsync(Keys.HotIndex, back.Select(id => (RedisValue)id).ToArray());
            }

            return gone.Except(back).ToList();
        }, cancellationToken);
        if (stale.Count > 0)
        {
            HotStoreLog.Swept(_logger, stale.Count);
        }

        return stale;
    }

    private async Task<List<string>> NotHotAsync(IReadOnlyList<string> ids)
    {
        var exists = ids.Select(id => _db.KeyExistsAsync(Keys.For(id).HotState)).ToArray();
        var gone = new List<string>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (!await exists[i])
            {
                gone.Add(ids[i]);
            }
        }

        return gone;
    }

    private Task<IReadOnlyList<string>> HotIndexIdsAsync(CancellationToken cancellationToken) =>
        RunAsync("read the hot index", async () =>
        {
            var members = await _db.SetMembersAsync(Keys.HotIndex);

            // Only ids this store could have written; anything else is ignored rather than turned into keys.
            return (IReadOnlyList<string>)members.Select(m => (string)m!).Where(PrId.IsValid).Order(StringComparer.Ordinal).ToList();
        }, cancellationToken);

    private static PrHotSnapshot ToSnapshot(string prId, RedisValue[] values, TimeSpan? ttl)
    {
        HotState? hot = StateNames.TryParseHot((string?)values[0], out var h) ? h : null;
        ColdState? cold = StateNames.TryParseCold((string?)values[4], out var c) ? c : null;
        var note = LeaseNote.Parse((string?)values[5]);
        if (hot is null)
        {
            return new PrHotSnapshot(prId, cold, null, null, null, null, null) { Note = note };
        }

        // "now:ttl" since leases choose their TTL; a bare "now" from before.
        var beat = (string?)values[2];
        var at = beat?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        DateTimeOffset? heartbeat = long.TryParse(at < 0 ? beat : beat![..at], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        var held = Lease.TryParse((string?)values[3], out var lease) ? lease : null;
        return new PrHotSnapshot(prId, cold, hot, (string?)values[1], heartbeat, held?.Fence, ttl)
        {
            Note = note,
            HeldLease = held,
            ReservedPaths = PathReservation.Parse((string?)values[6]),
        };
    }
}
