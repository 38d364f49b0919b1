using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    [Fact]
    public async Task HeartbeatAsync_WithANote_TheNextClaimantAfterARelease_GetsItHandedOver()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var first = await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, TimeSpan.FromMinutes(30), Ct);
        Assert.Null(first.Handoff);
        Assert.Equal(TimeSpan.FromMinutes(30), first.LeaseTtl);

        await sync.HeartbeatAsync("PR-001", "agent-1", first.Lease!, "schema drafted; migrations left", Ct);
        Assert.Equal("schema drafted; migrations left", (await sync.GetAsync("PR-001", Ct)).Note!.Text);
        await sync.ReleaseAsync("PR-001", "agent-1", first.Lease!, Ct);
        var second = await sync.ClaimAsync("PR-001", "agent-2", HotState.InProgress, Ct);

        Assert.Equal(("agent-1", first.Lease!.Fence, "schema drafted; migrations left"), (second.Handoff!.Agent, second.Handoff.Fence, second.Handoff.Text));
        Assert.True(second.Lease!.Fence > first.Lease.Fence);
    }

    [Fact]
    public async Task HeartbeatAsync_WithANote_TheNextClaimantAfterTheLeaseLapsed_GetsItHandedOver()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var first = await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, TimeSpan.FromSeconds(1), Ct);
        await sync.HeartbeatAsync("PR-001", "agent-1", first.Lease!, "tests written; the fix is not", Ct);

        // The agent stops heartbeating: the lease lapses, the sweep takes the PR back, the note stays for whoever comes next.
        await Eventually.ReturnsAsync(() => h.Hot.GetAsync("PR-001", Ct), s => !s.IsHot, "PR-001's lease lapsed");
        Assert.Equal(["PR-001"], await sync.SweepExpiredAsync(Ct));
        var second = await sync.ClaimAsync("PR-001", "agent-2", HotState.InProgress, Ct);

        Assert.Equal(("agent-1", first.Lease!.Fence, "tests written; the fix is not"), (second.Handoff!.Agent, second.Handoff.Fence, second.Handoff.Text));
        Assert.True(second.Lease!.Fence > first.Lease.Fence);
    }

    [Fact]
    public async Task ClaimAsync_TtlOutOfTheHubsBounds_RefusedAndNothingHeld()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync(new SyncOptions { MaxLeaseTtl = TimeSpan.FromMinutes(10) });

        var tooLong = await RefusedAsync(ErrorKind.Usage, () => sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, TimeSpan.FromMinutes(11), Ct));
        await RefusedAsync(ErrorKind.Usage, () => sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, TimeSpan.FromMilliseconds(500), Ct));
        await RefusedAsync(ErrorKind.Usage, () => sync.ClaimNextAsync("agent-1", new ClaimNextFilter(), TimeSpan.Zero, TimeSpan.FromHours(2), Ct));

        Assert.Contains("1 s to 10 min", tooLong.Message, StringComparison.Ordinal);
        Assert.False((await h.Hot.GetAsync("PR-001", Ct)).IsHot);
        var lease = (await sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, TimeSpan.FromMinutes(10), Ct)).Lease!;
        await RefusedAsync(ErrorKind.Usage, () => sync.HeartbeatAsync("PR-001", "agent-1", lease, "bell\a", Ct));
        Assert.Null((await sync.GetAsync("PR-001", Ct)).Note);
    }
}
