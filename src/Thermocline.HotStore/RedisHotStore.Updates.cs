using StackExchange.Redis;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.HotStore.Keys;
using Thermocline.HotStore.Queueing;
using Thermocline.HotStore.Scripts;

namespace Thermocline.HotStore;

public sealed partial class RedisHotStore
{
    /// <summary>
    /// One run of a per-PR script that may wait for Redis — heartbeat, hot → hot, release, clear — answered 1 (or an
    /// array starting with 1) when done and <c>{0, reason, …}</c> when refused.
    /// </summary>
    /// <param name="store">The store it runs on.</param>
    /// <param name="verb">What it does, for its description: <c>heartbeat</c>, <c>transition</c>, <c>release</c>, <c>clear</c>.</param>
    /// <param name="script">The script.</param>
    /// <param name="prId">The PR.</param>
    /// <param name="keys">The script's keys (the PR's).</param>
    /// <param name="values">The script's values.</param>
    /// <param name="lease">The lease presented, if any.</param>
    /// <param name="target">The hot state asked for, for a transition.</param>
    /// <param name="index">An index set to add the PR to first, in the same round trip, so the index never misses it.</param>
    private sealed class PrScriptUpdate(
        RedisHotStore store, string verb, PrScript script, string prId, RedisKey[] keys, RedisValue[] values,
        Lease? lease, HotState? target = null, RedisKey? index = null) : PendingHotUpdate
    {
        public override string Description =>
            $"{verb} {prId}{(target is { } t ? " to " + StateNames.Of(t) : "")}{(lease is null ? "" : $" (fence {lease.Fence})")}";

        public override Task<RedisResult> SendAsync()
        {
            if (index is { } set)
            {
                _ = store._db.SetAddAsync(set, prId, CommandFlags.FireAndForget);
            }

            return store._scripts.EvaluateAsync(script, keys, values);
        }

        public override void Accept(RedisResult reply)
        {
            if (reply.Resp2Type == ResultType.Integer ? (long)reply != 1 : (long)reply[0] != 1)
            {
                throw Refusal(prId, lease!, (RedisResult[])reply!, target);
            }
        }
    }

    /// <summary>Caches git's cold state of one PR, and adds the PR to the index of known PRs.</summary>
    private sealed class ColdStateUpdate(RedisHotStore store, string prId, PrKeys keys, string state) : PendingHotUpdate
    {
        public override string Description => $"cache {prId} as {state}";

        public override Task<RedisResult> SendAsync()
        {
            _ = store._db.SetAddAsync(store.Keys.PrIndex, prId, CommandFlags.FireAndForget);
            return store._db.ExecuteAsync("SET", keys.ColdState, state);
        }

        public override void Accept(RedisResult reply)
        {
            // SET answers OK; anything else arrives as an exception.
        }
    }
}
