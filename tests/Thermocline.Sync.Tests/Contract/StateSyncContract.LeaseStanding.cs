using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    [Fact]
    public async Task GetLeaseStandingAsync_HeldThenReleasedThenClaimedAgain_CurrentEndedSuperseded()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var first = (await sync.ClaimAsync("PR-001", "agent-a", HotState.InProgress, Ct)).Lease!;

        var held = await sync.GetLeaseStandingAsync("PR-001", first.Fence, Ct);
        h.FakeTime.Advance(TimeSpan.FromSeconds(20));
        var releasing = TimeProvider.System.GetUtcNow(); // the hot store runs on real time here (its TTLs are Redis's)
        await sync.ReleaseAsync("PR-001", "agent-a", first, Ct);
        var released = await sync.GetLeaseStandingAsync("PR-001", first.Fence, Ct);
        var second = (await sync.ClaimAsync("PR-001", "agent-b", HotState.Investigating, Ct)).Lease!;
        var superseded = await sync.GetLeaseStandingAsync("PR-001", first.Fence, Ct);

        Assert.Equal((LeaseStandingKind.Current, "agent-a"), (held.Kind, held.Agent));
        Assert.Equal(h.FakeTime.GetUtcNow() - TimeSpan.FromSeconds(20) + TimeSpan.FromMinutes(5), held.EndsAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal((LeaseStandingKind.Ended, "released"), (released.Kind, released.Ending));
        Assert.InRange(released.EndedAt!.Value, releasing.AddMilliseconds(-1), TimeProvider.System.GetUtcNow());
        Assert.Equal((LeaseStandingKind.Superseded, second.Fence, "agent-b"), (superseded.Kind, superseded.SupersededBy, superseded.SupersededByAgent));
        Assert.Contains($"fence {second.Fence} (agent-b)", superseded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLeaseStandingAsync_LapsedThenAnotherCompleted_ExpiredAtItsEndThenSupersededByTheMilestonesFence()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var claiming = TimeProvider.System.GetUtcNow();
        var a = (await sync.ClaimAsync("PR-001", "agent-a", HotState.InProgress, TimeSpan.FromSeconds(1), Ct)).Lease!;
        var claimed = TimeProvider.System.GetUtcNow();
        await Eventually.ReturnsAsync(() => h.Hot.GetAsync("PR-001", Ct), s => !s.IsHot, "agent-a's lease lapsed");

        var lapsed = await sync.GetLeaseStandingAsync("PR-001", a.Fence, Ct);
        var b = (await sync.ClaimAsync("PR-001", "agent-b", HotState.InProgress, Ct)).Lease!;
        var done = await sync.TransitionAsync("PR-001", WorkState.Of(ColdState.Completed), "agent-b", b, null, Ct);
        var afterA = await sync.GetLeaseStandingAsync("PR-001", a.Fence, Ct);
        var afterB = await sync.GetLeaseStandingAsync("PR-001", b.Fence, Ct);

        Assert.Equal((LeaseStandingKind.Ended, "expired"), (lapsed.Kind, lapsed.Ending));
        Assert.InRange(lapsed.EndedAt!.Value, claiming.AddSeconds(1).AddMilliseconds(-1), claimed.AddSeconds(1));
        Assert.Equal((LeaseStandingKind.Superseded, b.Fence, "agent-b"), (afterA.Kind, afterA.SupersededBy, afterA.SupersededByAgent));
        Assert.Equal((LeaseStandingKind.Ended, "milestone", done.Commit), (afterB.Kind, afterB.Ending, afterB.Commit));
    }

    [Fact]
    public async Task GetLeaseStandingAsync_RedisWipedAfterTheMilestone_GitStillTells()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var a = (await sync.ClaimAsync("PR-001", "agent-a", HotState.InProgress, Ct)).Lease!;
        await sync.ReleaseAsync("PR-001", "agent-a", a, Ct);
        var b = (await sync.ClaimAsync("PR-001", "agent-b", HotState.InProgress, Ct)).Lease!;
        var done = await sync.TransitionAsync("PR-001", WorkState.Of(ColdState.Completed), "agent-b", b, null, Ct);

        await h.WipeRedisAsync(AllIds);
        var ofB = await sync.GetLeaseStandingAsync("PR-001", b.Fence, Ct);
        var ofA = await sync.GetLeaseStandingAsync("PR-001", a.Fence, Ct);

        Assert.Equal((LeaseStandingKind.Ended, "milestone", done.Commit, "agent-b"), (ofB.Kind, ofB.Ending, ofB.Commit, ofB.Agent));
        Assert.Equal((LeaseStandingKind.Superseded, b.Fence, "agent-b"), (ofA.Kind, ofA.SupersededBy, ofA.SupersededByAgent));
    }

    [Fact]
    public async Task GetLeaseStandingAsync_FenceNeverHandedOutOrLost_SaysSoAndBadInputIsRefused()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var a = (await sync.ClaimAsync("PR-001", "agent-a", HotState.InProgress, Ct)).Lease!;

        var never = await sync.GetLeaseStandingAsync("PR-001", 1_000_000_000, Ct);
        await h.WipeRedisAsync(AllIds);
        var lost = await sync.GetLeaseStandingAsync("PR-001", a.Fence, Ct);

        Assert.Equal(LeaseStandingKind.NeverIssued, never.Kind);
        Assert.Equal((LeaseStandingKind.Ended, null, null), (lost.Kind, lost.EndedAt, lost.Ending));
        Assert.Contains("neither Redis nor git records when it ended", lost.Message, StringComparison.Ordinal);
        await RefusedAsync(ErrorKind.Usage, () => sync.GetLeaseStandingAsync("PR-001", 0, Ct));
        await RefusedAsync(ErrorKind.Usage, () => sync.GetLeaseStandingAsync("PR-1}x", 1, Ct));
        await RefusedAsync(ErrorKind.NotFound, () => sync.GetLeaseStandingAsync("PR-999", 1, Ct));
    }
}
