using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Testing;

namespace Thermocline.ColdStore.Tests.Remote;

/// <summary>
/// Hubs of a group (<see cref="ColdStoreOptions.HubGroup"/>) on two clones of one bare remote: the leader marks the
/// remote's <c>refs/thermocline/leader</c>, every push is atomic with it, and once another hub took over (moved it) no
/// push of the old leader lands. Real git throughout.
/// </summary>
public sealed class LeaderRefTests
{
    private static ColdTransition Finish(string pr, long lease) => new(pr, HotState.InProgress, ColdState.Completed, "agent-1") { Lease = lease, ClaimedFrom = ColdState.Ready };

    private static string LeaderRef(RemoteRepo r) => r.Person.Git("--git-dir", r.Bare, "rev-parse", "refs/thermocline/leader").Trim();

    [Fact]
    public async Task OldLeaderAfterTakeover_ItsPushIsRefusedAndNothingLands_TheNewLeaderCommits()
    {
        await using var r = await RemoteRepo.CreateAsync(o => o.HubGroup = true);
        using var second = TempGitRepository.Clone(r.Bare);
        await using var other = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = second.WorkDir, Remote = "origin", HubGroup = true }, TimeProvider.System, new RecordingLogger());

        Assert.True(await r.Store.ClaimLeadershipAsync(1, "hub-a", "http://a:7420"));
        Assert.Contains("Leader-Fence: 1", r.Person.Git("--git-dir", r.Bare, "log", "-1", "--format=%B", "refs/thermocline/leader"), StringComparison.Ordinal);
        var first = await r.Store.SyncDisplayAsync([new Domain.TaskLists.HotWorkItem("PR-001", HotState.InProgress, "agent-1", DateTimeOffset.UtcNow)]);
        Assert.Equal(first.Commit!.Sha, r.RemoteMain());

        // The other hub takes over: its mark replaces the first's.
        Assert.True(await other.ClaimLeadershipAsync(2, "hub-b", "http://b:7420"));
        var mark = LeaderRef(r);
        Assert.Contains("Hub: hub-b", r.Person.Git("--git-dir", r.Bare, "log", "-1", "--format=%B", mark), StringComparison.Ordinal);

        // The old leader, unaware, commits: refused, nothing on the remote, nothing acknowledged.
        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish("PR-001", 4)));
        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.Contains("taken over", ex.Message, StringComparison.Ordinal);
        Assert.Equal(first.Commit.Sha, r.RemoteMain());
        Assert.Equal(mark, LeaderRef(r));
        Assert.NotNull(r.Store.DeposedBy);

        // And it stays refused without asking the remote again, until it leads again.
        var again = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish("PR-001", 4)));
        Assert.Contains("taken over", again.Message, StringComparison.Ordinal);

        await other.FetchAsync();
        var byNew = await other.CommitTransitionAsync(Finish("PR-001", 4));
        Assert.Equal(byNew.Sha, r.RemoteMain());
        Assert.Equal(mark, LeaderRef(r));
    }

    [Fact]
    public async Task HubOfAGroupThatDoesNotLead_CommitsNothing()
    {
        await using var r = await RemoteRepo.CreateAsync(o => o.HubGroup = true);
        var before = r.RemoteMain();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish("PR-001", 3)));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.Contains("stands by", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, r.RemoteMain());

        Assert.True(await r.Store.ClaimLeadershipAsync(1, "hub-a", "http://a:7420"));
        r.Store.StandBy();
        await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish("PR-001", 3)));
        Assert.Equal(before, r.RemoteMain());
    }

    [Fact]
    public async Task RemoteUnreachableAtTakeover_TheMarkGoesWithTheFirstPush()
    {
        await using var r = await RemoteRepo.CreateAsync(o => o.HubGroup = true);
        var away = r.Bare + ".away";
        Directory.Move(r.Bare, away);
        Assert.True(await r.Store.ClaimLeadershipAsync(1, "hub-a", "http://a:7420"));
        Assert.NotNull(r.Store.RemoteProblem);
        Directory.Move(away, r.Bare);

        var result = await r.Store.CommitTransitionAsync(Finish("PR-001", 3));

        Assert.Equal(result.Sha, r.RemoteMain());
        Assert.Contains("Hub: hub-a", r.Person.Git("--git-dir", r.Bare, "log", "-1", "--format=%B", "refs/thermocline/leader"), StringComparison.Ordinal);
    }
}
