using Thermocline.ColdStore;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.HotStore;
using Thermocline.HotStore.Connection;
using Thermocline.HotStore.Queueing;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Group;

/// <summary>
/// Two coordinators of one hub group in process: two clones of one bare remote, one real redis-server under one key
/// prefix, each with its own cold and hot store as two hub processes have them. The leader lease, the takeover as after
/// a crash, the old leader's step down and a clean stop's hand-over, on real parts and real time.
/// </summary>
public sealed class HubGroupSyncTests(RedisServerFixture server) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);
    private static CancellationToken Ct => CancellationToken.None;

    private readonly string _prefix = $"grp{Guid.NewGuid():N}:";
    private readonly List<IAsyncDisposable> _owned = [];
    private TempGitRepository _person = null!;
    private string _bare = null!;

    public Task InitializeAsync()
    {
        var text = SyncTaskList.Build(new("PR-001", "ready"), new("PR-002", "ready"), new("PR-003", "ready"));
        _person = TempGitRepository.CreateWith(SyncTaskList.Path, text, SyncTaskList.BlockedByTheEngine(text));
        _bare = _person.PublishToBare();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        _person.Dispose();
    }

    private sealed record Member(StateSync Sync, GitColdStore Cold, RedisHotStore Hot, TempGitRepository Repo, string Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Sync.Dispose();
            await Hot.DisposeAsync();
            await Cold.DisposeAsync();
            Repo.Dispose();
        }
    }

    private async Task<Member> MemberAsync(string hubId)
    {
        var clone = TempGitRepository.Clone(_bare);
        var cold = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = clone.WorkDir, Remote = "origin", HubGroup = true, RemoteTimeout = TimeSpan.FromSeconds(10) }, TimeProvider.System);
        var hot = await RedisHotStore.ConnectAsync(new HotStoreOptions { ConnectionString = server.ConnectionString, KeyPrefix = _prefix }, TimeProvider.System);
        var address = $"http://127.0.0.1:1/{hubId}";
        var sync = new StateSync(cold, hot, new SyncOptions { Group = new HubGroupOptions { HubId = hubId, Address = address, LeaseTtl = Ttl } }, TimeProvider.System);
        var member = new Member(sync, cold, hot, clone, address);
        _owned.Add(member);
        return member;
    }

    private string RemoteMainMessage() => _person.Git("--git-dir", _bare, "log", "-1", "--format=%B", "main");

    [Fact]
    public async Task OneLeads_TheOtherStandsBy_TakesOverAfterTheLeaseLapses_AndTheOldLeaderStepsDown()
    {
        var a = await MemberAsync("hub-a");
        var b = await MemberAsync("hub-b");

        Assert.True(await a.Sync.LeadAsync(Ct));
        await a.Sync.Takeover;
        Assert.True(a.Sync.IsActive);
        Assert.Equal("active", a.Sync.Role);
        Assert.Equal(a.Address, a.Sync.ActiveHub);
        Assert.NotNull(a.Sync.LastTakeover);
        Assert.Contains(a.Sync.Events.Recent(), e => e.Kind == SyncEventKind.Leadership);

        Assert.False(await b.Sync.LeadAsync(Ct));
        Assert.False(b.Sync.IsActive);
        Assert.Equal("standby", b.Sync.Role);
        Assert.Equal(a.Address, b.Sync.ActiveHub);
        var health = await b.Sync.GetHealthAsync(Ct);
        Assert.Equal("standby", health.Role);
        Assert.Equal(a.Address, health.ActiveHub);

        // The leader works; its milestone is on the remote, and the standby's fetch sees it without writing anything.
        var claim = await a.Sync.ClaimAsync("PR-001", "bob", HotState.Investigating, Ct);
        var planned = await a.Sync.TransitionAsync("PR-001", ColdState.Planned, "bob", claim.Lease, null, Ct);
        Assert.Contains("PR-001: investigating → planned", RemoteMainMessage(), StringComparison.Ordinal);
        Assert.Contains("\n- Leader-Fence: 1\n", RemoteMainMessage(), StringComparison.Ordinal); // which leader made it
        Assert.Equal(planned.Commit, _person.Git("--git-dir", _bare, "rev-parse", "main").Trim());
        Assert.False(await b.Sync.FetchRemoteAsync(Ct), "a standby follows the remote but does not act on it");
        await b.Sync.StopAsync(Ct); // a standby's stop writes nothing and resigns nothing
        Assert.True(await a.Sync.LeadAsync(Ct), "the leader renews its lease");

        // A claims again, then stops renewing (as if frozen); its lease lapses and B takes over as after a crash.
        var second = await a.Sync.ClaimAsync("PR-002", "carol", HotState.Investigating, Ct);
        await Task.Delay(Ttl + TimeSpan.FromMilliseconds(300));
        Assert.True(await b.Sync.LeadAsync(Ct));
        Assert.Contains(b.Sync.Role, (string[])["taking-over", "active"]);
        var report = await b.Sync.Takeover;
        Assert.NotNull(report);
        Assert.True(b.Sync.IsActive);
        Assert.Equal(b.Address, b.Sync.ActiveHub);

        // carol's lease lives on under the new leader: her heartbeat and milestone go through B.
        var beat = await b.Sync.HeartbeatAsync("PR-002", "carol", second.Lease!, Ct);
        Assert.Equal(HotWriteResult.Applied, beat);
        await b.Sync.TransitionAsync("PR-002", ColdState.Planned, "carol", second.Lease, null, Ct);
        Assert.Contains("PR-002: investigating → planned", RemoteMainMessage(), StringComparison.Ordinal);
        Assert.Contains("\n- Leader-Fence: 2\n", RemoteMainMessage(), StringComparison.Ordinal);
        Assert.Contains("Hub: hub-b", _person.Git("--git-dir", _bare, "log", "-1", "--format=%B", "refs/thermocline/leader"), StringComparison.Ordinal);

        // A wakes up: its renewal fails, it stands by, and a write that needs a push is refused without landing.
        var remoteBefore = _person.Git("--git-dir", _bare, "rev-parse", "main").Trim();
        Assert.False(await a.Sync.LeadAsync(Ct));
        Assert.Equal("standby", a.Sync.Role);
        Assert.False(a.Sync.IsActive);
        var stale = await a.Sync.ClaimAsync("PR-003", "dave", HotState.Investigating, Ct);
        var refused = await Assert.ThrowsAsync<ThermoclineException>(() => a.Sync.TransitionAsync("PR-003", ColdState.Planned, "dave", stale.Lease, null, Ct));
        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
        Assert.Equal(remoteBefore, _person.Git("--git-dir", _bare, "rev-parse", "main").Trim());
    }

    [Fact]
    public async Task ACleanStop_GivesTheLeadUp_SoTheStandbyTakesOverAtItsNextTick()
    {
        var a = await MemberAsync("hub-a");
        var b = await MemberAsync("hub-b");
        Assert.True(await a.Sync.LeadAsync(Ct));
        await a.Sync.Takeover;
        Assert.False(await b.Sync.LeadAsync(Ct));

        await a.Sync.StopAsync(Ct);
        Assert.Equal("standby", a.Sync.Role);

        // No wait for the TTL: the lease is gone at once.
        Assert.True(await b.Sync.LeadAsync(Ct));
        await b.Sync.Takeover;
        Assert.Equal("active", b.Sync.Role);
        Assert.False(await a.Sync.LeadAsync(Ct));
        Assert.Equal(b.Address, a.Sync.ActiveHub);
    }

    [Fact]
    public async Task LeadAsync_IsOnlyForAHubOfAGroup()
    {
        var clone = TempGitRepository.Clone(_bare);
        await using var cold = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = clone.WorkDir }, TimeProvider.System);
        await using var hot = await RedisHotStore.ConnectAsync(new HotStoreOptions { ConnectionString = server.ConnectionString, KeyPrefix = _prefix }, TimeProvider.System);
        using var sync = new StateSync(cold, hot);
        Assert.True(sync.IsActive);
        Assert.Null(sync.Role);
        Assert.Null(sync.ActiveHub);
        await Assert.ThrowsAsync<InvalidOperationException>(() => sync.LeadAsync(Ct));
        clone.Dispose();
    }
}
