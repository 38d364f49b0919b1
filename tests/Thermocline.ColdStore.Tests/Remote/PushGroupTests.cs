using System.Diagnostics;
using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Testing;
using Xunit.Abstractions;

namespace Thermocline.ColdStore.Tests.Remote;

/// <summary>
/// Pushes in groups: milestones asked for while a push is under way go together in the next, each acknowledged with its
/// own commit once the remote has it; and a busy hub leaves the remote to a person now and then, so their
/// <c>git pull --rebase &amp;&amp; git push</c> gets through. Real git, a bare repository as the remote.
/// </summary>
public sealed class PushGroupTests(ITestOutputHelper output)
{
    private static readonly string ManyReady = TaskListGenerator.Uniform(250, _ => "ready", _ => []);

    private static ColdTransition Finish(int i) =>
        new(TaskListGenerator.Id(i), HotState.InProgress, ColdState.Completed, $"agent-{i % 8}") { Lease = i, ClaimedFrom = ColdState.Ready };

    private static string[] RemoteTitles(RemoteRepo r) =>
        r.Person.Git("--git-dir", r.Bare, "log", "--format=%s", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task MilestonesAskedForTogether_GoInFewerPushes_EachAcknowledgedWithItsOwnCommitOnTheRemote()
    {
        await using var r = await RemoteRepo.CreateAsync(taskList: ManyReady);

        var results = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(() => r.Store.CommitTransitionAsync(Finish(i)))));

        Assert.All(results, c => Assert.True(c.Committed));
        Assert.All(results, c => Assert.Equal("origin/main", c.PushedTo));
        Assert.Equal(40, results.Select(c => c.Sha).Distinct().Count());
        var titles = RemoteTitles(r);
        Assert.Equal(40, titles.Count(t => t.EndsWith("→ completed", StringComparison.Ordinal)));
        Assert.Equal(40, titles.Where(t => t.StartsWith("PR-", StringComparison.Ordinal)).Distinct().Count());
        // Every acknowledged commit is on the remote's branch, in one chain.
        var onRemote = r.Person.Git("--git-dir", r.Bare, "rev-list", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.All(results, c => Assert.Contains(c.Sha, onRemote));
        Assert.True(r.Store.GroupedPushes > 0, "40 milestones at once went in 40 pushes: nothing was grouped");
        var list = r.RemoteTaskList();
        Assert.All(Enumerable.Range(1, 40), i => Assert.Contains($"pr_id: {TaskListGenerator.Id(i)}\n", list, StringComparison.Ordinal));
        Assert.Equal(40, list.Split("cold_state: completed").Length - 1);
    }

    [Fact]
    public async Task APlanThatRefuses_AnswersItsCallerAlone_TheRestOfTheGroupLands()
    {
        await using var r = await RemoteRepo.CreateAsync(taskList: ManyReady);

        var good = Enumerable.Range(1, 10).Select(i => Task.Run(() => r.Store.CommitTransitionAsync(Finish(i)))).ToList();
        var unknown = Task.Run(() => r.Store.CommitTransitionAsync(Finish(999)));
        var conflicting = Task.Run(() => r.Store.CommitTransitionAsync(Finish(3) with { ClaimedFrom = ColdState.Planned }));

        Assert.All(await Task.WhenAll(good), c => Assert.True(c.Committed));
        await Assert.ThrowsAsync<Domain.Errors.ThermoclineException>(() => unknown);
        await Assert.ThrowsAsync<Domain.Errors.ThermoclineException>(() => conflicting);
        Assert.Equal(10, RemoteTitles(r).Count(t => t.EndsWith("→ completed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ACallerThatGivesUpBeforeItsRequestIsTaken_IsNeverCommitted()
    {
        await using var r = await RemoteRepo.CreateAsync(taskList: ManyReady);
        using var pushing = new ManualResetEventSlim();
        using var goOn = new ManualResetEventSlim();
        r.Store.BeforeRefUpdate = () =>
        {
            r.Store.BeforeRefUpdate = null;
            pushing.Set();
            goOn.Wait();
        };
        var first = Task.Run(() => r.Store.CommitTransitionAsync(Finish(1)));
        Assert.True(pushing.Wait(TimeSpan.FromSeconds(20)), "the first push started");

        using var giveUp = new CancellationTokenSource();
        var late = Task.Run(() => r.Store.CommitTransitionAsync(Finish(2), giveUp.Token));
        await Task.Delay(100);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => late);
        goOn.Set();
        Assert.True((await first).Committed);
        Assert.True((await r.Store.CommitTransitionAsync(Finish(3))).Committed);

        var titles = RemoteTitles(r);
        Assert.Contains(titles, t => t.StartsWith("PR-001: ", StringComparison.Ordinal));
        Assert.Contains(titles, t => t.StartsWith("PR-003: ", StringComparison.Ordinal));
        Assert.DoesNotContain(titles, t => t.StartsWith("PR-002: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACallerThatGivesUpOnceItsRequestIsInAGroup_IsAnsweredAsTheGroupIs()
    {
        await using var r = await RemoteRepo.CreateAsync(taskList: ManyReady);
        using var firstPushing = new ManualResetEventSlim();
        using var firstGoesOn = new ManualResetEventSlim();
        using var groupPushing = new ManualResetEventSlim();
        using var groupGoesOn = new ManualResetEventSlim();
        var pushes = 0;
        r.Store.BeforeRefUpdate = () =>
        {
            if (Interlocked.Increment(ref pushes) == 1)
            {
                firstPushing.Set();
                firstGoesOn.Wait();
            }
            else
            {
                r.Store.BeforeRefUpdate = null;
                groupPushing.Set();
                groupGoesOn.Wait();
            }
        };
        var first = Task.Run(() => r.Store.CommitTransitionAsync(Finish(1)));
        Assert.True(firstPushing.Wait(TimeSpan.FromSeconds(20)), "the first push started");
        using var giveUp = new CancellationTokenSource();
        var grouped = Task.Run(() => r.Store.CommitTransitionAsync(Finish(2), giveUp.Token));
        var other = Task.Run(() => r.Store.CommitTransitionAsync(Finish(3)));
        await Task.Delay(200);
        firstGoesOn.Set();
        Assert.True(groupPushing.Wait(TimeSpan.FromSeconds(20)), "the group of PR-002 and PR-003 is being pushed");

        await giveUp.CancelAsync(); // too late: its commit is in the push under way
        groupGoesOn.Set();
        var answer = await grouped;
        Assert.True(answer.Committed);
        Assert.True((await other).Committed);
        Assert.True((await first).Committed);
        Assert.Equal(answer.Sha, r.Person.Git("--git-dir", r.Bare, "log", "--format=%H", "--grep=^PR-002: ", "main").Trim());
    }

    [Fact]
    public async Task ABusyHub_LeavesThePersonAMoment_TheirPullRebaseAndPushGetsThrough()
    {
        await using var r = await RemoteRepo.CreateAsync(taskList: ManyReady);
        var next = 0;
        using var stop = new CancellationTokenSource();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var writers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && Interlocked.Increment(ref next) is var i && i <= 250)
            {
                acknowledged.Add((await r.Store.CommitTransitionAsync(Finish(i))).Sha);
            }
        })).ToList();

        // The person edits another file and pushes as people do: on "fetch first", pull --rebase and push again.
        await Eventually.TrueAsync(() => acknowledged.Count >= 20, "the hub is busy pushing");
        r.Person.WriteFile("NOTES.md", "A person's note\n");
        r.Person.CommitFiles("A person's note", "NOTES.md");
        var tries = 0;
        var clock = Stopwatch.StartNew();
        var pushed = false;
        while (!pushed && tries < 60)
        {
            tries++;
            pushed = r.Person.TryGit("pull", "-q", "--rebase", "origin", "main").ExitCode == 0 && r.Person.TryGit("push", "-q", "origin", "main").ExitCode == 0;
        }

        var during = acknowledged.Count;
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        output.WriteLine($"the person's push landed after {tries} tries in {clock.ElapsedMilliseconds} ms, with {during} milestones acknowledged by then; {r.Store.CourtesyGaps} gaps, {r.Store.GroupedPushes} grouped pushes");

        Assert.True(pushed, $"the person's push lost {tries} races in a row against the busy hub");
        var titles = RemoteTitles(r);
        Assert.Contains("A person's note", titles);
        Assert.Equal(acknowledged.Count, titles.Count(t => t.EndsWith("→ completed", StringComparison.Ordinal)));
        var onRemote = r.Person.Git("--git-dir", r.Bare, "rev-list", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.All(acknowledged, sha => Assert.Contains(sha, onRemote));
    }
}
