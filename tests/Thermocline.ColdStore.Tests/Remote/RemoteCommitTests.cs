using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Testing;

namespace Thermocline.ColdStore.Tests.Remote;

/// <summary>
/// <c>--remote origin</c>: the remote's branch is the branch of record. Every commit is pushed (a compare-and-swap on
/// the remote ref) before it is acknowledged; a person's push in between is fetched and the change re-applied on top;
/// a real conflict or an unreachable remote refuses it with nothing changed anywhere. Real git, a bare repository as
/// the remote, a person's clone pushing to it.
/// </summary>
public sealed class RemoteCommitTests
{
    private static readonly ColdTransition Finish = new("PR-001", HotState.InProgress, ColdState.Completed, "agent-1") { Lease = 3, ClaimedFrom = ColdState.Ready };

    private static bool Completed(string taskList) => taskList.Contains("cold_state: completed   # keep this comment", StringComparison.Ordinal);

    [Fact]
    public async Task Milestone_IsOnTheRemoteBeforeItIsAcknowledged_AndTheLocalBranchFollows()
    {
        await using var r = await RemoteRepo.CreateAsync();

        var result = await r.Store.CommitTransitionAsync(Finish);

        Assert.True(result.Committed);
        Assert.Equal("origin/main", result.PushedTo);
        Assert.Equal(result.Sha, r.RemoteMain());
        Assert.True(Completed(r.RemoteTaskList()));
        Assert.Equal(result.Sha, r.Hub.Git("rev-parse", "origin/main").Trim());
        // The hub's clone is brought along by git's own fast-forward: branch, index and file.
        await Eventually.TrueAsync(() => r.Hub.Head() == result.Sha, "the local main fast-forwarded to the pushed milestone");
        Assert.True(Completed(r.Hub.ReadFile(ColdRepo.Path)));
        Assert.Equal("", r.Hub.Status());
        Assert.Null(r.Store.RemoteProblem);
    }

    [Fact]
    public async Task PersonPushedMeanwhile_TheHubFetchesReappliesOnTopAndPushesAgain()
    {
        await using var r = await RemoteRepo.CreateAsync();
        var theirs = r.PersonPushes(t => t.Replace("title: Store", "title: Store engine", StringComparison.Ordinal));

        var result = await r.Store.CommitTransitionAsync(Finish);

        Assert.True(result.Committed);
        Assert.Equal(1, result.HeadMovedRetries);
        Assert.Equal(result.Sha, r.RemoteMain());
        Assert.Equal(theirs, r.Person.Git("--git-dir", r.Bare, "rev-parse", "main~1").Trim());
        var onRemote = r.RemoteTaskList();
        Assert.True(Completed(onRemote));
        Assert.Contains("title: Store engine", onRemote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonPushedAChangeOfTheSamePr_IsARealConflict_NothingPushed()
    {
        await using var r = await RemoteRepo.CreateAsync();
        var theirs = r.PersonPushes(t => TestTaskList.With(t, "PR-001", "ready", "blocked"));

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish));

        Assert.Equal(ErrorKind.LeaseConflict, ex.Kind);
        Assert.Contains("blocked", ex.Message, StringComparison.Ordinal);
        Assert.Equal(theirs, r.RemoteMain());
        Assert.Null(r.Store.RemoteProblem);
    }

    [Fact]
    public async Task RemoteUnreachable_RefusesTheMilestoneWithNothingChanged_ThenWorksOnceItAnswers()
    {
        await using var r = await RemoteRepo.CreateAsync();
        var remoteBefore = r.RemoteMain();
        var localBefore = r.Hub.Head();
        var away = r.Bare + ".away";
        Directory.Move(r.Bare, away);

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.Contains("not pushed to origin/main", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was acknowledged", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(r.Store.RemoteProblem);
        Assert.Equal(localBefore, r.Hub.Head());
        Assert.Equal(localBefore, r.Hub.Git("rev-parse", "origin/main").Trim());
        Assert.False(Completed(await ReadTipAsync(r)));
        Assert.False(await r.Store.FetchAsync());
        Assert.NotNull(r.Store.RemoteProblem);

        Directory.Move(away, r.Bare);
        Assert.Equal(remoteBefore, r.RemoteMain());
        await r.Store.FetchAsync();
        Assert.Null(r.Store.RemoteProblem);
        var result = await r.Store.CommitTransitionAsync(Finish);
        Assert.Equal(result.Sha, r.RemoteMain());
    }

    [Fact]
    public async Task RemoteRefusesTheUpdate_SaysWhatTheRemoteSaid_NothingChanged()
    {
        await using var r = await RemoteRepo.CreateAsync();
        var hook = Path.Combine(r.Bare, "hooks", "pre-receive");
        File.WriteAllText(hook, "#!/bin/sh\necho 'main is protected' >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var before = r.RemoteMain();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.Contains("origin refused the push", ex.Message, StringComparison.Ordinal);
        Assert.Contains("main is protected", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, r.RemoteMain());
        Assert.Equal(before, r.Hub.Git("rev-parse", "origin/main").Trim());
    }

    [Fact]
    public async Task ForcePushThatDropsAMilestone_IsSeenAtTheNextFetch_AndTheMilestoneIsRestoredOnTheRemote()
    {
        await using var r = await RemoteRepo.CreateAsync();
        var milestone = await r.Store.CommitTransitionAsync(Finish);
        r.Person.Git("pull", "-q", "--ff-only", "origin", "main");
        r.Person.Git("reset", "-q", "--hard", "HEAD~1");
        r.Person.Git("push", "-q", "--force", "origin", "main");
        Assert.False(Completed(r.RemoteTaskList()));

        Assert.True(await r.Store.FetchAsync());
        var move = await r.Store.BranchMovedAsync();
        Assert.NotNull(move);
        Assert.Equal(milestone.Sha, move.Previous);
        var restored = await r.Store.RestoreDroppedMilestonesAsync(move.Previous);

        var again = Assert.Single(restored);
        Assert.Equal(again.Sha, r.RemoteMain());
        Assert.True(Completed(r.RemoteTaskList()));
        Assert.Contains($"Restored: {milestone.Sha}", r.Person.Git("--git-dir", r.Bare, "log", "-1", "--format=%B", "main"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonsUnpushedCommitOnTheLocalBranch_IsLeftAlone_AndTheHealthSaysSo()
    {
        await using var r = await RemoteRepo.CreateAsync();
        r.Hub.WriteFile("notes.txt", "mine, not pushed\n");
        var theirs = r.Hub.CommitFiles("A person's local commit", "notes.txt");

        var result = await r.Store.CommitTransitionAsync(Finish);

        Assert.Equal(result.Sha, r.RemoteMain());
        var checkout = await Eventually.ReturnsAsync(() => r.Store.InspectCheckoutAsync(), c => c.Why is not null, "the lag is reported");
        Assert.Contains("not on origin/main", checkout.Why, StringComparison.Ordinal);
        Assert.False(checkout.Busy);
        Assert.Equal(theirs, r.Hub.Head());
    }

    [Fact]
    public async Task BranchMissingOnTheRemote_IsPublishedThereAtOpen()
    {
        using var hub = TempGitRepository.CreateWith(ColdRepo.Path, TestTaskList.Text);
        var bare = Path.Combine(hub.Root, "empty.git");
        hub.Git("init", "-q", "--bare", "-b", "main", bare);
        hub.Git("remote", "add", "origin", bare);
        var initial = hub.Head();

        await using var store = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = hub.WorkDir, Remote = "origin" });
        var result = await store.CommitTransitionAsync(Finish);

        Assert.Equal(result.Sha, hub.Git("--git-dir", bare, "rev-parse", "main").Trim());
        Assert.Equal(initial, hub.Git("--git-dir", bare, "rev-parse", "main~1").Trim());
    }

    [Fact]
    public async Task UnknownRemote_RefusesToOpen_NamingWhatToRun()
    {
        using var hub = TempGitRepository.CreateWith(ColdRepo.Path, TestTaskList.Text);

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = hub.WorkDir, Remote = "upstream" }));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.Contains("git remote add upstream", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("a b")]
    [InlineData("../evil")]
    [InlineData("")]
    public void HostileRemoteName_IsRefusedByTheOptions(string name)
    {
        var options = new ColdStoreOptions { RepositoryPath = ".", Remote = name };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(nameof(ColdStoreOptions.Remote), ex.ParamName);
    }

    [Fact]
    public async Task CredentialsInTheRemotesUrl_NeverReachTheMessageOrTheLog()
    {
        await using var r = await RemoteRepo.CreateAsync();
        r.Hub.Git("remote", "set-url", "origin", "http://hub-user:s3cr3t-token@127.0.0.1:9/team/project.git");

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.DoesNotContain("s3cr3t-token", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-token", r.Store.RemoteProblem, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Logger.Entries, e => e.Message.Contains("s3cr3t-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowPush_ReadsAnswerFromTheLastTipMeanwhile_AndTheMilestoneLandsAfter()
    {
        await using var r = await RemoteRepo.CreateAsync();
        r.Hub.Git("config", "remote.origin.receivepack", "sleep 3 && git-receive-pack");

        var committing = r.Store.CommitTransitionAsync(Finish);
        await Task.Delay(700);
        Assert.False(committing.IsCompleted);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var list = await r.Store.ReadTaskListAsync();

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"a read waited {started.Elapsed} for the push");
        Assert.Equal(ColdState.Ready, list.Find("PR-001")!.ColdState);
        var result = await committing;
        Assert.Equal(result.Sha, r.RemoteMain());
        Assert.Equal(ColdState.Completed, (await r.Store.ReadTaskListAsync()).Find("PR-001")!.ColdState);
    }

    private static async Task<string> ReadTipAsync(RemoteRepo r) => (await r.Store.ReadTaskListAsync()).Text;
}
