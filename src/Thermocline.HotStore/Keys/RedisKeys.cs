using System.Collections.Concurrent;
using StackExchange.Redis;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;

namespace Thermocline.HotStore.Keys;

/// <summary>
/// Builds every Redis key Thermocline uses; this is the one place that knows the layout. With prefix
/// <c>P</c> (default empty) and PR id <c>PR-005</c>:
/// <list type="table">
/// <listheader><term>key</term><description>type and meaning</description></listheader>
/// <item><term><c>Ppr:{PR-005}:hot_state</c></term><description>string with TTL: the hot state (<c>in-progress</c>, …)</description></item>
/// <item><term><c>Ppr:{PR-005}:agent</c></term><description>string with TTL: the agent holding the PR</description></item>
/// <item><term><c>Ppr:{PR-005}:heartbeat</c></term><description>string with TTL: last heartbeat, Unix milliseconds</description></item>
/// <item><term><c>Ppr:{PR-005}:lease</c></term><description>string with TTL: the current lease, <c>FENCE:ID</c></description></item>
/// <item><term><c>Ppr:{PR-005}:cold_state</c></term><description>string, no TTL: cache of git's cold state</description></item>
/// <item><term><c>Ppr:{PR-005}:fence</c></term><description>integer, no TTL: the last fencing number handed out; only grows</description></item>
/// <item><term><c>Ppr:{PR-005}:dependencies</c></term><description>set, no TTL: ids of the PR's dependencies</description></item>
/// <item><term><c>Ppr:{PR-005}:note</c></term><description>string with a long TTL: the last handoff note</description></item>
/// <item><term><c>Ppr:{PR-005}:paths</c></term><description>string with TTL: the globs the lease reserves, one per line</description></item>
/// <item><term><c>Ppr:{PR-005}:last_lease</c></term><description>string, no TTL: the latest lease and how (and when) it ends, <c>FENCE:ENDS_MS:HOW:AGENT</c></description></item>
/// <item><term><c>Pindex:hot</c></term><description>set: ids of PRs that may be hot (a superset; see <see cref="HotIndex"/>)</description></item>
/// <item><term><c>Pindex:reserved</c></term><description>set: ids of PRs whose lease may reserve paths (a superset, like <c>index:hot</c>)</description></item>
/// <item><term><c>Pindex:prs</c></term><description>set: ids of every PR with any key here, for orphan clearing without <c>KEYS</c></description></item>
/// <item><term><c>Psync:last_display_update</c></term><description>string: Unix milliseconds of the last display sync</description></item>
/// <item><term><c>Psync:crash_recovery_needed</c></term><description>string: set while a hub runs; found set at start means the last run crashed</description></item>
/// <item><term><c>Phubs:{leader}:lease</c></term><description>string with TTL: the active hub of a group sharing this Redis, <c>FENCE HUBID URL</c></description></item>
/// <item><term><c>Phubs:{leader}:fence</c></term><description>integer, no TTL: the group's last leader fence; only grows</description></item>
/// </list>
/// The braces make every key of one PR hash to one Redis Cluster slot, so one script can touch them all. The
/// hot-state keys all carry the same TTL and are written and refreshed together, so they expire together.
/// </summary>
public sealed class RedisKeys
{
    /// <summary>The longest prefix accepted.</summary>
    public const int MaxPrefixLength = 64;

    private readonly string _prefix;

    /// <summary>Creates the key builder for <paramref name="prefix"/>; see <see cref="IsValidPrefix"/>.</summary>
    public RedisKeys(string prefix)
    {
        if (!IsValidPrefix(prefix))
        {
            throw ThermoclineException.Usage(
                $"Redis key prefix '{prefix}' is not valid: use at most {MaxPrefixLength} printable ASCII characters without spaces or braces.");
        }

        _prefix = prefix;
        HotIndex = new RedisKey(prefix + "index:hot");
        PrIndex = new RedisKey(prefix + "index:prs");
        ReservedIndex = new RedisKey(prefix + "index:reserved");
        LastDisplayUpdate = new RedisKey(prefix + "sync:last_display_update");
        CrashRecoveryNeeded = new RedisKey(prefix + "sync:crash_recovery_needed");
        LeaderLease = new RedisKey(prefix + "hubs:{leader}:lease");
        LeaderFence = new RedisKey(prefix + "hubs:{leader}:fence");
    }

    /// <summary>The prefix every key starts with.</summary>
    public string Prefix => _prefix;

    /// <summary>
    /// The set of PR ids that may hold a hot state. It is kept outside the per-PR scripts (a Redis Cluster puts it in
    /// another slot), so it is a superset: every claim and heartbeat adds the id in the same round trip,
    /// before its script runs; the sweep drops ids whose hot state is gone.
    /// </summary>
    public RedisKey HotIndex { get; }

    /// <summary>
    /// The set of PR ids whose lease may reserve paths: a superset, added before the claim's script runs, like
    /// <see cref="HotIndex"/>; readers drop ids whose reservation is gone.
    /// </summary>
    public RedisKey ReservedIndex { get; }

    /// <summary>The set of every PR id this store has written keys for.</summary>
    public RedisKey PrIndex { get; }

    /// <summary><c>sync:last_display_update</c>.</summary>
    public RedisKey LastDisplayUpdate { get; }

    /// <summary><c>sync:crash_recovery_needed</c>.</summary>
    public RedisKey CrashRecoveryNeeded { get; }

    /// <summary><c>hubs:{leader}:lease</c>: the leader lease of a group of hubs (one slot with <see cref="LeaderFence"/>).</summary>
    public RedisKey LeaderLease { get; }

    /// <summary><c>hubs:{leader}:fence</c>: the group's leader fencing number.</summary>
    public RedisKey LeaderFence { get; }

    /// <summary>True when <paramref name="prefix"/> can start keys: printable ASCII, no spaces, no braces (braces would change the hash slot).</summary>
    public static bool IsValidPrefix(string? prefix)
    {
        if (prefix is null || prefix.Length > MaxPrefixLength)
        {
            return false;
        }

        foreach (var c in prefix)
        {
            if (c is <= ' ' or > '~' or '{' or '}')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The keys of one PR; <paramref name="prId"/> must be a valid PR id.</summary>
    public PrKeys For(string prId)
    {
        if (_known.TryGetValue(prId, out var known))
        {
            return known;
        }

        if (!PrId.IsValid(prId))
        {
            throw ThermoclineException.InvalidPrId(prId);
        }

        var keys = new PrKeys(_prefix + "pr:{" + prId + "}:");
        if (Interlocked.Increment(ref _remembered) > MaxRemembered)
        {
            _known.Clear(); // bounded, whatever ids callers send; a task list has far fewer PRs
            Interlocked.Exchange(ref _remembered, 0);
        }

        _known[prId] = keys;
        return keys;
    }

    // The keys of PRs seen so far: every operation needs seven key strings, built once per PR instead of per call.
    private const int MaxRemembered = 65_536;
    private readonly ConcurrentDictionary<string, PrKeys> _known = new(StringComparer.Ordinal);
    private int _remembered;
}
