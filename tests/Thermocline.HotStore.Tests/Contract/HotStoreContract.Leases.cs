using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.HotStore.Queueing;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

public abstract partial class HotStoreContract
{
    [Fact]
    public async Task HeartbeatAsync_ValidLease_RecordsTimeAndRefreshesExpiry()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        Time.Advance(TimeSpan.FromMinutes(2));

        var result = await store.HeartbeatAsync("PR-005", lease, Ct);

        var snapshot = await store.GetAsync("PR-005", Ct);
        Assert.Equal(HotWriteResult.Applied, result);
        Assert.Equal(Time.GetUtcNow(), snapshot.LastHeartbeat);
        Assert.Equal(HotState.InProgress, snapshot.HotState);
    }

    [Fact]
    public async Task VerifyLeaseAsync_CurrentLease_ReturnsHotState()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.Investigating, ColdState.Planned, Ct);

        Assert.Equal(HotState.Investigating, await store.VerifyLeaseAsync("PR-005", lease, Ct));
    }

    [Fact]
    public async Task TransitionHotAsync_AllowedStep_ChangesHotStateKeepsHolder()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.Investigating, ColdState.Ready, Ct);

        await store.TransitionHotAsync("PR-005", lease, HotState.Planning, Ct);
        await store.TransitionHotAsync("PR-005", lease, HotState.InProgress, Ct);

        var snapshot = await store.GetAsync("PR-005", Ct);
        Assert.Equal(HotState.InProgress, snapshot.HotState);
        Assert.Equal("agent-1", snapshot.Agent);
        Assert.Equal(lease.Fence, snapshot.Fence);
    }

    [Fact]
    public async Task TransitionHotAsync_StepNotInTable_ThrowsInvalidTransitionAndChangesNothing()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.Investigating, ColdState.Ready, Ct);

        var e = await RefusedAsync(ErrorKind.InvalidTransition, () => store.TransitionHotAsync("PR-005", lease, HotState.UnderReview, Ct));

        Assert.Contains("investigating", e.Message, StringComparison.Ordinal);
        Assert.Equal(HotState.Investigating, (await store.GetAsync("PR-005", Ct)).HotState);
    }

    [Fact]
    public async Task TransitionHotAsync_SameState_ChangesNothing()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.Investigating, ColdState.Ready, Ct);
        var claimed = await store.GetAsync("PR-005", Ct);
        Time.Advance(TimeSpan.FromSeconds(30));

        var result = await store.TransitionHotAsync("PR-005", lease, HotState.Investigating, Ct);

        var snapshot = await store.GetAsync("PR-005", Ct);
        Assert.Equal(HotWriteResult.Applied, result);
        Assert.Equal(claimed with { ExpiresIn = null }, snapshot with { ExpiresIn = null });
    }

    [Fact]
    public async Task TransitionHotAsync_Repeatedly_DoesNotExtendTheLease()
    {
        var store = await NewStoreAsync(ttl: TimeSpan.FromMilliseconds(400));
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.Investigating, ColdState.Ready, Ct);
        await store.TransitionHotAsync("PR-005", lease, HotState.Planning, Ct);

        // Transitions every poll: were they extending the lease, the state would never expire and this would time out.
        await Eventually.ReturnsAsync(
            async () =>
            {
                try
                {
                    await store.TransitionHotAsync("PR-005", lease, HotState.Planning, Ct);
                }
                catch (ThermoclineException e) when (e.Kind == ErrorKind.LeaseConflict)
                {
                    // Expired: what the probe waits for.
                }

                return await store.GetAsync("PR-005", Ct);
            },
            s => !s.IsHot,
            "the hot state expired without heartbeats");
    }

    [Fact]
    public async Task ReleaseAsync_ValidLease_PrBackAtColdState()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);

        await store.ReleaseAsync("PR-005", lease, Ct);

        var snapshot = await store.GetAsync("PR-005", Ct);
        Assert.False(snapshot.IsHot);
        Assert.Null(snapshot.Agent);
        Assert.Equal(WorkState.Of(ColdState.Ready), snapshot.EffectiveState);
    }

    [Fact]
    public async Task ClearHotAsync_LeaseAndColdState_ClearsHotAndCachesCold()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);

        await store.ClearHotAsync("PR-005", lease, ColdState.Completed, Ct);

        var snapshot = await store.GetAsync("PR-005", Ct);
        Assert.False(snapshot.IsHot);
        Assert.Equal(ColdState.Completed, snapshot.ColdState);
    }

    [Fact]
    public async Task ClearHotAsync_NoLease_ForcesClearWhoeverHolds()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);

        await store.ClearHotAsync("PR-005", null, null, Ct);

        Assert.False((await store.GetAsync("PR-005", Ct)).IsHot);
        await RefusedAsync(ErrorKind.LeaseConflict, () => store.HeartbeatAsync("PR-005", lease, Ct));
    }

    [Fact]
    public async Task HeartbeatAsync_ForeignLeaseWithSameFence_IsRefused()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        var forged = lease with { Id = new string('a', 32) };

        await RefusedAsync(ErrorKind.LeaseConflict, () => store.HeartbeatAsync("PR-005", forged, Ct));
        await RefusedAsync(ErrorKind.LeaseConflict, () => store.ReleaseAsync("PR-005", forged, Ct));

        Assert.True((await store.GetAsync("PR-005", Ct)).IsHot);
    }

    [Fact]
    public async Task HotState_NoHeartbeatWithinTtl_ExpiresBackToColdState()
    {
        var store = await NewStoreAsync(ttl: TimeSpan.FromMilliseconds(300));

        await ClaimAndLetExpireAsync(store, "PR-005", "agent-1");

        var snapshot = await store.GetAsync("PR-005", Ct);
        Assert.Null(snapshot.Agent);
        Assert.Equal(WorkState.Of(ColdState.Ready), snapshot.EffectiveState);
    }

    [Fact]
    public async Task EveryLeasedOperation_OldLeaseAfterExpiryAndNewClaim_IsRefusedAndChangesNothing()
    {
        // The new holder's 2 s lease must outlive each heartbeat-and-attempt round even on a loaded machine (at 300 ms
        // it lapsed once in CI, and the refusal then rightly named no holder).
        var store = await NewStoreAsync(ttl: TimeSpan.FromSeconds(2));
        var stale = await ClaimAndLetExpireAsync(store, "PR-005", "agent-1");

        // The new holder heartbeats on its own; keep its state alive while the stale holder tries everything.
        var current = await store.ClaimAsync("PR-005", "agent-2", HotState.Investigating, ColdState.Ready, Ct);
        var before = await store.GetAsync("PR-005", Ct);

        List<Func<Task>> attempts =
        [
            () => store.HeartbeatAsync("PR-005", stale, Ct),
            () => store.VerifyLeaseAsync("PR-005", stale, Ct),
            () => store.TransitionHotAsync("PR-005", stale, HotState.Planning, Ct),
            () => store.ReleaseAsync("PR-005", stale, Ct),
            () => store.ClearHotAsync("PR-005", stale, ColdState.Planned, Ct),
        ];
        foreach (var attempt in attempts)
        {
            await store.HeartbeatAsync("PR-005", current, Ct);
            var e = await RefusedAsync(ErrorKind.LeaseConflict, attempt);
            Assert.Contains("agent-2", e.Message, StringComparison.Ordinal);
        }

        var after = await store.GetAsync("PR-005", Ct);
        Assert.Equal(stale.Fence + 1, current.Fence);
        Assert.Equal(before with { ExpiresIn = null }, after with { ExpiresIn = null });
        Assert.Equal(HotState.Investigating, after.HotState);
        Assert.Equal(ColdState.Ready, after.ColdState);
        Assert.Equal(current.Fence, after.Fence);
    }

    [Fact]
    public async Task HeartbeatAsync_LeaseExpiredNobodyElseClaimed_SaysClaimAgain()
    {
        var store = await NewStoreAsync(ttl: TimeSpan.FromMilliseconds(300));
        var stale = await ClaimAndLetExpireAsync(store, "PR-005", "agent-1");

        var e = await RefusedAsync(ErrorKind.LeaseConflict, () => store.HeartbeatAsync("PR-005", stale, Ct));

        Assert.Contains("Claim the PR again", e.Message, StringComparison.Ordinal);
        var again = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        Assert.Equal(stale.Fence + 1, again.Fence);
    }
}
