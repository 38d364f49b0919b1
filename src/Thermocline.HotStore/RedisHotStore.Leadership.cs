using StackExchange.Redis;
using Thermocline.HotStore.Leadership;
using Thermocline.HotStore.Scripts;

namespace Thermocline.HotStore;

/// <summary>
/// The leader lease of a group of hubs that share this Redis (a standby hub): one key with a TTL, taken and renewed by
/// scripts on the two keys of one hash slot (<c>hubs:{leader}:lease</c>, <c>hubs:{leader}:fence</c>), so it works on a
/// cluster as on one server. Whoever holds it is the active hub; a takeover increments the group's fencing number.
/// </summary>
public sealed partial class RedisHotStore
{
    // KEYS: lease, fence. ARGV: 1 hub id, 2 address, 3 TTL ms. Free: the fence grows and the lease is this hub's. Held by
    // this hub already: renewed. Reply: {1, fence} taken or renewed; {0, current value} held by another.
    private static readonly HotScript TakeLead = new("take the leader lease", """
        local held = redis.call('GET', KEYS[1])
        if held then
          local fence, id = string.match(held, '^(%d+) (%S+) ')
          if id == ARGV[1] then
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return {1, tonumber(fence)}
          end
          return {0, held}
        end
        local fence = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], fence .. ' ' .. ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3])
        return {1, fence}
        """);

    // KEYS: lease. ARGV: 1 the holder's value, 2 TTL ms (0: give it up). Only the holder of exactly that lease renews or
    // resigns it. Reply: 1 done, 0 it is not (any more) this holder's.
    private static readonly HotScript KeepLead = new("renew the leader lease", """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then
          return 0
        end
        if ARGV[2] == '0' then
          redis.call('DEL', KEYS[1])
        else
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 1
        """);

    /// <summary>
    /// Takes the group's leader lease for <paramref name="ttl"/> when nobody holds it (a new, higher fence), or renews it
    /// when this hub holds it already. Returns the leader after the call: this hub's lease, or the one another hub holds.
    /// </summary>
    public Task<HubLeader> TakeLeadAsync(string hubId, string address, TimeSpan ttl, CancellationToken cancellationToken) =>
        RunAsync("take the leader lease", async () =>
        {
            var reply = (RedisResult[])(await TakeLead.EvaluateAsync(_db, [Keys.LeaderLease, Keys.LeaderFence], [hubId, address, Ms(ttl)]))!;
            return (long)reply[0] == 1
                ? new HubLeader((long)reply[1], hubId, address)
                : HubLeader.Decode((string?)reply[1]) ?? new HubLeader(0, "unknown", "");
        }, cancellationToken);

    /// <summary>Renews <paramref name="lease"/> for <paramref name="ttl"/>; false when it lapsed or another hub holds it now.</summary>
    public Task<bool> RenewLeadAsync(HubLeader lease, TimeSpan ttl, CancellationToken cancellationToken) =>
        RunAsync("renew the leader lease", async () =>
            (long)(await KeepLead.EvaluateAsync(_db, [Keys.LeaderLease], [lease.Encode(), Ms(ttl)])) == 1, cancellationToken);

    /// <summary>Gives <paramref name="lease"/> up (a clean shutdown: a standby takes over at its next try, not after the TTL).</summary>
    public Task<bool> ResignLeadAsync(HubLeader lease, CancellationToken cancellationToken) =>
        RunAsync("give up the leader lease", async () =>
            (long)(await KeepLead.EvaluateAsync(_db, [Keys.LeaderLease], [lease.Encode(), "0"])) == 1, cancellationToken);

    /// <summary>The group's active hub now, or null when no hub holds the lease (a failover under way).</summary>
    public Task<HubLeader?> ReadLeaderAsync(CancellationToken cancellationToken) =>
        RunAsync("read the leader lease", async () => HubLeader.Decode(await _db.StringGetAsync(Keys.LeaderLease)), cancellationToken);

    private static RedisValue Ms(TimeSpan span) => Math.Max(1, (long)span.TotalMilliseconds);
}
