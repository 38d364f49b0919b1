using StackExchange.Redis;

namespace Thermocline.HotStore.Keys;

/// <summary>The keys of one PR, all in one hash slot; built by <see cref="RedisKeys.For"/>.</summary>
public sealed class PrKeys
{
    internal PrKeys(string stem)
    {
        HotState = new RedisKey(stem + "hot_state");
        Agent = new RedisKey(stem + "agent");
        Heartbeat = new RedisKey(stem + "heartbeat");
        Lease = new RedisKey(stem + "lease");
        ColdState = new RedisKey(stem + "cold_state");
        Fence = new RedisKey(stem + "fence");
        Dependencies = new RedisKey(stem + "dependencies");
        Note = new RedisKey(stem + "note");
        Paths = new RedisKey(stem + "paths");
        LastLease = new RedisKey(stem + "last_lease");
        ScriptKeys = [HotState, Agent, Lease, Heartbeat, Paths, LastLease, ColdState, Fence];
        NoteKeys = [HotState, Agent, Lease, Note];
        LeaseKeys = ScriptKeys[..3];
        HotKeys = ScriptKeys[..6];
        HotAndColdKeys = ScriptKeys[..7];
        AllKeys = [HotState, Agent, Heartbeat, Lease, ColdState, Fence, Dependencies, Note, Paths, LastLease];
    }

    /// <summary><c>pr:{ID}:hot_state</c>.</summary>
    public RedisKey HotState { get; }

    /// <summary><c>pr:{ID}:agent</c>.</summary>
    public RedisKey Agent { get; }

    /// <summary><c>pr:{ID}:heartbeat</c>.</summary>
    public RedisKey Heartbeat { get; }

    /// <summary><c>pr:{ID}:lease</c>.</summary>
    public RedisKey Lease { get; }

    /// <summary><c>pr:{ID}:cold_state</c>.</summary>
    public RedisKey ColdState { get; }

    /// <summary><c>pr:{ID}:fence</c>.</summary>
    public RedisKey Fence { get; }

    /// <summary><c>pr:{ID}:dependencies</c>.</summary>
    public RedisKey Dependencies { get; }

    /// <summary><c>pr:{ID}:note</c>: the last handoff note left under a lease (outlives the lease, for the next holder).</summary>
    public RedisKey Note { get; }

    /// <summary><c>pr:{ID}:paths</c>: the globs the current lease reserves, one per line; expires with the hot state.</summary>
    public RedisKey Paths { get; }

    /// <summary>
    /// <c>pr:{ID}:last_lease</c>, no TTL: the PR's latest lease as <c>FENCE:ENDS_MS:HOW:AGENT</c> — how it ended
    /// (<c>live</c> while held: ENDS_MS is when it lapses without another heartbeat; <c>released</c>, <c>milestone</c>,
    /// <c>cleared</c>: ENDS_MS is when). It outlives the lease, so "when did fence F end" has an answer.
    /// </summary>
    public RedisKey LastLease { get; }

    /// <summary>The keys the per-PR scripts receive, in the order their <c>KEYS[n]</c> expect.</summary>
    internal RedisKey[] ScriptKeys { get; }

    /// <summary>
    /// The first three of <see cref="ScriptKeys"/> — hot state, agent, lease: what a lease check reads — for the hot → hot
    /// transition, which touches no others: fewer keys to send, and for Garnet's transaction mode, to lock.
    /// </summary>
    internal RedisKey[] LeaseKeys { get; }

    /// <summary>
    /// The first six of <see cref="ScriptKeys"/>: the keys that expire with the hot state, the reservation, and the lease
    /// record a heartbeat moves on (heartbeat).
    /// </summary>
    internal RedisKey[] HotKeys { get; }

    /// <summary>The first seven of <see cref="ScriptKeys"/>: the heartbeat's keys and the cold-state cache (release, clear).</summary>
    internal RedisKey[] HotAndColdKeys { get; }

    /// <summary>What the note script takes: the lease check's three keys, then the note.</summary>
    internal RedisKey[] NoteKeys { get; }

    /// <summary>Every key of the PR.</summary>
    internal RedisKey[] AllKeys { get; }
}
