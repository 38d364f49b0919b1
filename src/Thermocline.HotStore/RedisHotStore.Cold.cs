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
    // Commands in flight per pipelined batch: large enough to hide the round trip, small enough to bound memory.
    private const int HydrationBatch = 4_096;

    /// <summary>
    /// Writes git's cold state and dependency set of every PR in <paramref name="prs"/> (replacing what was there) and
    /// indexes their ids — pipelined, a few round trips in all. Hot states are left alone.
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

        await RunAsync("hydrate PR states", async () =>
        {
            var pending = new List<Task>(HydrationBatch);
            for (var start = 0; start < prs.Count; start += HydrationBatch / 4)
            {
                var end = Math.Min(prs.Count, start + (HydrationBatch / 4));
                var ids = new RedisValue[end - start];
                for (var i = start; i < end; i++)
                {
                    var pr = prs[i];
                    var keys = Keys.For(pr.Id);
                    ids[i - start] = pr.Id;
                    pending.Add(_db.StringSetAsync(keys.ColdState, StateNames.Of(pr.ColdState)));
                    pending.Add(_db.KeyDeleteAsync(keys.Dependencies));
                    if (pr.Dependencies.Count > 0)
                    {
                        pending.Add(_db.SetAddAsync(keys.Dependencies, pr.Dependencies.Select(d => (RedisValue)d).ToArray()));
                    }
                }

                pending.Add(_db.SetAddAsync(Keys.PrIndex, ids));
                await Task.WhenAll(pending);
                pending.Clear();
            }

            return true;
        }, cancellationToken);
        HotStoreLog.Hydrated(_logger, prs.Count);
    }

    /// <summary>Caches git's cold state of one PR (after a milestone commit, or on reconciliation). Queued when Redis is away.</summary>
    public Task<HotWriteResult> SetColdStateAsync(string prId, ColdState coldState, CancellationToken cancellationToken)
    {
        var keys = Keys.For(prId);
        var name = StateNames.Of(coldState);
        return ApplyOrQueueAsync(new($"cache {prId} as {name}", async () =>
        {
            _ = _db.SetAddAsync(Keys.PrIndex, prId, CommandFlags.FireAndForget);
            await _db.StringSetAsync(keys.ColdState, name);
        }), cancellationToken);
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
            await Task.WhenAll(writes);
            HotStoreLog.OrphansCleared(_logger, orphans.Count);
            return orphans;
        }, cancellationToken);
    }
}
