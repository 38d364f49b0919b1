namespace Thermocline.HotStore;

public sealed partial class RedisHotStore
{
    /// <summary>
    /// Every PR id this store holds keys for (the PR index and the hot index together), sorted; two set reads,
    /// never <c>KEYS</c>. Reconciliation compares it with git to find orphans without changing anything.
    /// </summary>
    public Task<IReadOnlyList<string>> ListKnownPrIdsAsync(CancellationToken cancellationToken) =>
        RunAsync("list the PRs Redis knows", async () =>
        {
            var known = _db.SetMembersAsync(Keys.PrIndex);
            var hot = _db.SetMembersAsync(Keys.HotIndex);
            return (IReadOnlyList<string>)(await known).Concat(await hot)
                .Select(m => (string)m!)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
        }, cancellationToken);

    /// <summary>The PR ids in the hot index (live or expired but not yet swept), sorted.</summary>
    public Task<IReadOnlyList<string>> ListHotIndexAsync(CancellationToken cancellationToken) =>
        RunAsync("list the hot index", async () =>
            (IReadOnlyList<string>)(await _db.SetMembersAsync(Keys.HotIndex)).Select(m => (string)m!).Order(StringComparer.Ordinal).ToList(),
            cancellationToken);

    /// <summary>
    /// Drops one PR from the hot index when its hot state is gone (after a release or a milestone): two commands,
    /// whatever the size of the index. A claim racing in between is put back, as in <see cref="SweepExpiredAsync"/>.
    /// </summary>
    public Task ForgetIfNotHotAsync(string prId, CancellationToken cancellationToken)
    {
        var keys = Keys.For(prId);
        return RunAsync($"drop {prId} from the hot index", async () =>
        {
            if (await _db.KeyExistsAsync(keys.HotState))
            {
                return true;
            }

            await _db.SetRemoveAsync(Keys.HotIndex, prId);
            if (await _db.KeyExistsAsync(keys.HotState))
            {
                await _db.SetAddAsync(Keys.HotIndex, prId);
            }

            return true;
        }, cancellationToken);
    }
}
