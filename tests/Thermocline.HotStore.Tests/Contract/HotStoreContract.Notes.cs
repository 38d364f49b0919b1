using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.HotStore.Leases;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

public abstract partial class HotStoreContract
{
    [Fact]
    public async Task ClaimAsync_WithItsOwnTtl_LivesThatLongAndHeartbeatsKeepIt()
    {
        var store = await NewStoreAsync(TimeSpan.FromMinutes(5));
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct, TimeSpan.FromMinutes(40));

        var claimed = await store.GetAsync("PR-005", Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.HeartbeatAsync("PR-005", lease, Ct);
        var beaten = await store.GetAsync("PR-005", Ct);

        Assert.InRange(claimed.ExpiresIn!.Value, TimeSpan.FromMinutes(39), TimeSpan.FromMinutes(40));
        Assert.InRange(beaten.ExpiresIn!.Value, TimeSpan.FromMinutes(39), TimeSpan.FromMinutes(40));
        Assert.Equal(Time.GetUtcNow(), beaten.LastHeartbeat);

        var other = await store.ClaimAsync("PR-006", "agent-2", HotState.InProgress, ColdState.Ready, Ct);
        await store.HeartbeatAsync("PR-006", other, Ct);
        Assert.InRange((await store.GetAsync("PR-006", Ct)).ExpiresIn!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task NoteAsync_LeftUnderTheLease_OutlivesItForTheNextHolder()
    {
        var store = await NewStoreAsync(TimeSpan.FromMilliseconds(300));
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);

        await store.NoteAsync("PR-005", lease, "agent-1", "parser done; tests for the lexer next", Ct);
        await Eventually.ReturnsAsync(() => store.GetAsync("PR-005", Ct), s => !s.IsHot, "the lease expired");

        var note = (await store.GetAsync("PR-005", Ct)).Note;
        Assert.Equal((lease.Fence, "agent-1", "parser done; tests for the lexer next"), (note!.Fence, note.Agent, note.Text));
        Assert.Equal(Time.GetUtcNow(), note.At);
    }

    [Fact]
    public async Task NoteAsync_StaleLeaseOrBadText_RefusedAndNothingStored()
    {
        var store = await NewStoreAsync();
        var lease = await store.ClaimAsync("PR-005", "agent-1", HotState.InProgress, ColdState.Ready, Ct);
        await store.ReleaseAsync("PR-005", lease, Ct);

        await RefusedAsync(ErrorKind.LeaseConflict, () => store.NoteAsync("PR-005", lease, "agent-1", "late", Ct));
        var fresh = await store.ClaimAsync("PR-005", "agent-2", HotState.InProgress, ColdState.Ready, Ct);
        await RefusedAsync(ErrorKind.Usage, () => store.NoteAsync("PR-005", fresh, "agent-2", "two\nlines", Ct));
        await RefusedAsync(ErrorKind.Usage, () => store.NoteAsync("PR-005", fresh, "agent-2", "evil \u202e txt", Ct));
        await RefusedAsync(ErrorKind.Usage, () => store.NoteAsync("PR-005", fresh, "agent-2", new string('x', LeaseNote.MaxLength + 1), Ct));
        await RefusedAsync(ErrorKind.Usage, () => store.NoteAsync("PR-005", fresh, "agent-2", "  ", Ct));

        Assert.Null((await store.GetAsync("PR-005", Ct)).Note);
    }
}
