using Thermocline.Domain.Paths;
using Thermocline.Domain.States;
using Thermocline.HotStore.Leases;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

public abstract partial class HotStoreContract
{
    [Fact]
    public async Task GetLeaseRecordAsync_ThroughALeasesLife_SaysWhenItEndsAndHow()
    {
        var store = await NewStoreAsync(TimeSpan.FromMinutes(5));
        Assert.Equal((null, null), await store.GetLeaseRecordAsync("PR-005", Ct));

        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        var claimed = await store.GetLeaseRecordAsync("PR-005", Ct);
        Time.Advance(TimeSpan.FromMinutes(2));
        await store.HeartbeatAsync("PR-005", lease, Ct);
        var beaten = await store.GetLeaseRecordAsync("PR-005", Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.ClearHotAsync("PR-005", lease, ColdState.Completed, Ct);
        var done = await store.GetLeaseRecordAsync("PR-005", Ct);

        var start = new DateTimeOffset(2025, 11, 14, 10, 30, 0, TimeSpan.Zero);
        Assert.Equal((new LeaseRecord(lease.Fence, start.AddMinutes(5), LeaseEnding.Live, "agent-1"), lease.Fence), claimed);
        Assert.Equal(new LeaseRecord(lease.Fence, start.AddMinutes(7), LeaseEnding.Live, "agent-1"), beaten.Latest);
        Assert.Equal(new LeaseRecord(lease.Fence, start.AddMinutes(3), LeaseEnding.Milestone, "agent-1"), done.Latest);
    }

    [Fact]
    public async Task GetLeaseRecordAsync_ReleasedOrCleared_SaysSoAndANewClaimReplacesIt()
    {
        var store = await NewStoreAsync();
        var first = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        Time.Advance(TimeSpan.FromSeconds(30));
        await store.ReleaseAsync("PR-005", first, Ct);
        var released = (await store.GetLeaseRecordAsync("PR-005", Ct)).Latest;

        var second = await store.ClaimAsync("PR-005", "agent-2", HotState.Investigating, ColdState.Ready, Ct);
        var held = await store.GetLeaseRecordAsync("PR-005", Ct);
        await store.ClearHotAsync("PR-005", null, null, Ct);
        var cleared = (await store.GetLeaseRecordAsync("PR-005", Ct)).Latest;

        Assert.Equal((first.Fence, LeaseEnding.Released, "agent-1", Time.GetUtcNow()), (released!.Fence, released.How, released.Agent, released.EndsAt));
        Assert.Equal((second.Fence, LeaseEnding.Live, "agent-2", second.Fence), (held.Latest!.Fence, held.Latest.How, held.Latest.Agent, held.LastFence!.Value));
        Assert.Equal((second.Fence, LeaseEnding.Cleared), (cleared!.Fence, cleared.How));
        Assert.True(second.Fence > first.Fence);
    }

    [Fact]
    public async Task GetLeaseRecordAsync_LeaseLapses_RecordStaysWithTheTimeItLapsed()
    {
        var store = await NewStoreAsync(TimeSpan.FromMilliseconds(300));
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        await Eventually.ReturnsAsync(() => store.GetAsync("PR-005", Ct), s => !s.IsHot, "the lease expired");

        var (latest, last) = await store.GetLeaseRecordAsync("PR-005", Ct);

        Assert.Equal(new LeaseRecord(lease.Fence, Time.GetUtcNow().AddMilliseconds(300), LeaseEnding.Live, "agent-1"), latest);
        Assert.Equal(lease.Fence, last);
    }

    [Fact]
    public async Task ClaimAsync_WithPaths_ReservesThemUntilTheLeaseEnds()
    {
        var store = await NewStoreAsync();
        var paths = PathReservation.Create(["src/parser/", "docs/*.md"]);
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, paths, Ct);
        await store.ClaimAsync("PR-006", "agent-2", HotState.InProgress, ColdState.Ready, Ct);

        var reserved = await store.ListReservationsAsync(Ct);
        var snapshot = await store.GetAsync("PR-005", Ct);
        await store.HeartbeatAsync("PR-005", lease, Ct);
        var afterBeat = await store.ListReservationsAsync(Ct);
        await store.ReleaseAsync("PR-005", lease, Ct);
        var afterRelease = await store.ListReservationsAsync(Ct);

        Assert.Equal(["PR-005"], reserved.Select(r => r.PrId));
        Assert.Equal(["src/parser", "docs/*.md"], reserved[0].ReservedPaths!.Texts);
        Assert.Equal(("agent-1", lease.Fence), (reserved[0].Agent, reserved[0].Fence));
        Assert.Equal(["src/parser", "docs/*.md"], snapshot.ReservedPaths!.Texts);
        Assert.Null((await store.GetAsync("PR-006", Ct)).ReservedPaths);
        Assert.Single(afterBeat);
        Assert.Empty(afterRelease);
        Assert.Null((await store.GetAsync("PR-005", Ct)).ReservedPaths);
    }

    [Fact]
    public async Task ClaimAsync_WithPaths_ReservationLapsesWithTheLease()
    {
        var store = await NewStoreAsync(TimeSpan.FromMilliseconds(300));
        await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, PathReservation.Create(["src/**"]), Ct);
        Assert.Single(await store.ListReservationsAsync(Ct));

        await Eventually.ReturnsAsync(() => store.ListReservationsAsync(Ct), r => r.Count == 0, "the reservation lapsed with the lease");

        // A claim without paths after it reserves nothing, whatever the previous holder had.
        await store.ClaimAsync("PR-005", "agent-2", HotState.InProgress, ColdState.Ready, Ct);
        Assert.Null((await store.GetAsync("PR-005", Ct)).ReservedPaths);
    }
}
