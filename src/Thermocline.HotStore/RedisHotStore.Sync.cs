namespace Thermocline.HotStore;

public sealed partial class RedisHotStore
{
    /// <summary>
    /// Sets <c>sync:crash_recovery_needed</c> as a hub starts and returns true when it was already set: the last hub
    /// did not shut down cleanly, so Redis must be rebuilt from git. Also true when Redis is empty of this store's
    /// PR index (wiped or new): the caller should hydrate either way.
    /// </summary>
    public Task<bool> MarkHubRunningAsync(CancellationToken cancellationToken) =>
        RunAsync("set the crash-recovery flag", async () =>
        {
            var previous = _db.StringSetAndGetAsync(Keys.CrashRecoveryNeeded, NowMs);
            var indexed = _db.KeyExistsAsync(Keys.PrIndex);
            return !(await previous).IsNull || !await indexed;
        }, cancellationToken);

    /// <summary>
    /// True when Redis holds neither this store's PR index nor its hot index: new, wiped, or an embedded store that keeps
    /// nothing across restarts. Hydrated from git, such a store holds exactly git's state, with nothing to reconcile.
    /// </summary>
    public Task<bool> HoldsNoPrsAsync(CancellationToken cancellationToken) =>
        RunAsync("look for the PR indexes", async () =>
        {
            // Two commands, not one EXISTS of both: on a cluster the two indexes live in different slots.
            var known = _db.KeyExistsAsync(Keys.PrIndex);
            var hot = _db.KeyExistsAsync(Keys.HotIndex);
            return !await known & !await hot;
        }, cancellationToken);

    /// <summary>
    /// True while <c>sync:crash_recovery_needed</c> is set. A running hub finding it gone knows Redis lost its data (a
    /// FLUSHALL, a restart without persistence) and recovers as after a crash.
    /// </summary>
    public Task<bool> IsMarkedRunningAsync(CancellationToken cancellationToken) =>
        RunAsync("read the crash-recovery flag", () => _db.KeyExistsAsync(Keys.CrashRecoveryNeeded), cancellationToken);

    /// <summary>Clears <c>sync:crash_recovery_needed</c> on a clean shutdown.</summary>
    public Task MarkHubStoppedAsync(CancellationToken cancellationToken) =>
        RunAsync("clear the crash-recovery flag", () => _db.KeyDeleteAsync(Keys.CrashRecoveryNeeded), cancellationToken);

    /// <summary>Records when the display section was last written (<c>sync:last_display_update</c>).</summary>
    public Task SetLastDisplayUpdateAsync(DateTimeOffset when, CancellationToken cancellationToken) =>
        RunAsync("record the display update", () => _db.StringSetAsync(Keys.LastDisplayUpdate, when.ToUnixTimeMilliseconds()), cancellationToken);

    /// <summary>When the display section was last written, or null if never.</summary>
    public Task<DateTimeOffset?> GetLastDisplayUpdateAsync(CancellationToken cancellationToken) =>
        RunAsync("read the display update time", async () =>
        {
            var value = await _db.StringGetAsync(Keys.LastDisplayUpdate);
            return !value.IsNull && value.TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        }, cancellationToken);
}
