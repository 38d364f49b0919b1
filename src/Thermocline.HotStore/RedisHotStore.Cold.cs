using StackExchange.Redis;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore.Logging;
using Thermocline.HotStore.Queueing;

namespace Thermocline.HotStore;

public sealed partial class RedisHotStore
{
    // PRs per multi-key command: large enough to amortise the command, small enough to keep replies and locks short.
    private const int HydrationBatch = 1_000;

    /// <summary>
    /// Writes git's cold state and dependency set of every PR in <paramref name="prs"/> (replacing what was there) and
    /// indexes their ids — pipelined, in effect one round trip. On a standalone server each 1,000 PRs take one MSET, one
    /// DEL and one SADD per PR with dependencies; on a cluster (where keys of different PRs live in different slots) it is
    /// one command per key. Hot states are left alone. Not atomic as a whole: run it before serving, or run it again.
    /// </summary>
    public async Task HydrateAsync(IReadOnlyList<PrEntry> prs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prs);
        foreach (var pr in prs)
        {
            _ = Keys.For(pr.Id);
            foreach (var dependency in pr.Dependencies)
            {
                if (!PrId.IsValid(dependency))
                {
                    throw ThermoclineException.InvalidPrId(dependency);
                }
            }
        }

        var cluster = IsCluster;
        await RunAsync("hydrate PR states", async () =>
        {
            var pending = new List<Task>(HydrationBatch + 4);
            for (var start = 0; start < prs.Count; start += HydrationBatch)
            {
                var batch = prs.Skip(start).Take(HydrationBatch).ToList();
                var keys = batch.Select(pr => Keys.For(pr.Id)).ToList();
                if (cluster)
                {
                    // Multi-key commands must stay within one slot on a cluster: one command per key there.
                    for (var i = 0; i < batch.Count; i++)
                    {
                        pending.Add(_db.StringSetAsync(keys[i].ColdState, StateNames.Of(batch[i].ColdState)));
                        pending.Add(_db.KeyDeleteAsync(keys[i].Dependencies));
                        if (batch[i].Dependencies.Count > 0)
                        {
                            // Sent after the DEL on the same connection, so it lands after it.
                            pending.Add(_db.SetAddAsync(keys[i].Dependencies, batch[i].Dependencies.Select(d => (RedisValue)d).ToArray()));
                        }
                    }
                }
                else
                {
                    // Standalone: one MSET and one DEL for the whole batch, then the non-empty sets — plain commands,
                    // pipelined on one connection (so each SADD lands after the DEL), no script to run or lock for.
                    var states = new KeyValuePair<RedisKey, RedisValue>[batch.Count];
                    var sets = new RedisKey[batch.Count];
                    for (var i = 0; i < batch.Count; i++)
                    {
                        states[i] = new(keys[i].ColdState, StateNames.Of(batch[i].ColdState));
                        sets[i] = keys[i].Dependencies;
                    }

                    pending.Add(_db.StringSetAsync(states));
                    pending.Add(_db.KeyDeleteAsync(sets));
                    for (var i = 0; i < batch.Count; i++)
                    {
                        if (batch[i].Dependencies.Count > 0)
                        {
                            pending.Add(_db.SetAddAsync(keys[i].Dependencies, batch[i].Dependencies.Select(d => (RedisValue)d).ToArray()));
                        }
                    }
                }

                pending.Add(_db.SetAddAsync(Keys.PrIndex, batch.Select(pr => (RedisValue)pr.Id).ToArray()));
            }

            await Task.WhenAll(pending);
            return true;
        }, cancellationToken);
        HotStoreLog.Hydrated(_logger, prs.Count);
    }

    /// <summary>Caches git's cold state of one PR (after a milestone commit, or on reconciliation). Queued when Redis is away.</summary>
    public Task<HotWriteResult> SetColdStateAsync(string prId, ColdState coldState, CancellationToken cancellationToken)
    {
        return ApplyOrQueueAsync(new ColdStateUpdate(this, prId, Keys.For(prId), StateNames.Of(coldState)), cancellationToken);
    }

    /// <summary>
    /// Deletes every key of PRs this store knows (from its indexes) that are not in <paramref name="validIds"/> — state
    /// of PRs git does not have — and returns their ids, sorted. The fencing counter goes with them.
    /// </summary>
    public Task<IReadOnlyList<string>> ClearOrphansAsync(IReadOnlySet<string> validIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(validIds);
        return RunAsync("clear orphaned PR state", async () =>
        {
            var known = _db.SetMembersAsync(Keys.PrIndex);
            var hot = _db.SetMembersAsync(Keys.HotIndex);
            var orphans = (await known).Concat(await hot).Select(m => (string)m!)
                .Where(id => !validIds.Contains(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (orphans.Count == 0)
            {
                return (IReadOnlyList<string>)orphans;
            }

            var members = orphans.Select(id => (RedisValue)id).ToArray();
            var writes = orphans.Where(PrId.IsValid).Select(id => (Task)_db.KeyDeleteAsync(Keys.For(id).AllKeys)).ToList();
            writes.Add(_db.SetRemoveAsync(Keys.PrIndex, members));
            writes.Add(_db.SetRemoveAsync(Keys.HotIndex, members));
            writes.Add(_db.SetRemoveAsync(Keys.ReservedIndex, members));
            await Task.WhenAll(writes);
            HotStoreLog.OrphansCleared(_logger, orphans.Count);
            return orphans;
        }, cancellationToken);
    }
}
