using Microsoft.Extensions.Logging.Abstractions;
using Thermocline.Domain.States;
using Thermocline.Sync.Cycles;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Cycles;

/// <summary>
/// A person's git is noticed at once — long before the 60 s reconciliation — through the cold store's watcher, on real
/// time and real git commands.
/// </summary>
public sealed class GitWatchCycleTests(RedisServerFixture server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<RedisServerFixture>, IAsyncLifetime, IDisposable
{
    // Well inside "about a second" on an idle machine; generous for a loaded CI machine with two cores.
    private static readonly TimeSpan Noticed = TimeSpan.FromSeconds(5);

    private SyncHarness _h = null!;
    private StateSync _sync = null!;
    private GitWatchCycle _cycle = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _h = await SyncHarness.CreateAsync(server.ConnectionString, options: new HarnessOptions { RealTime = true });
        _sync = await _h.StartSyncAsync(new SyncOptions { ReconcileInterval = TimeSpan.FromHours(1) });
        _cycle = new GitWatchCycle(_sync, TimeProvider.System, NullLogger<GitWatchCycle>.Instance);
        await _cycle.StartAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        await _cycle.StopAsync(Ct);
        await _h.DisposeAsync();
    }

    public void Dispose() => _cycle.Dispose();

    [Fact]
    public async Task PersonsCommit_ApprovingAHeldPrAndAddingOne_NoticedWithinSecondsGitWins()
    {
        await _sync.ClaimAsync("PR-001", "agent-1", HotState.Investigating, Ct);
        var text = SyncTaskList.WithState(_h.HeadTaskList(), "PR-006", "broken")
            + "### PR-050: Added by a person\n\n---\npr_id: PR-050\ntitle: Added by a person\ncold_state: ready\ndependencies: []\n---\n";
        text = SyncTaskList.WithState(text, "PR-001", "approved");

        _h.Repo.WriteFile(SyncTaskList.Path, text);
        _h.Repo.Git("commit", "-q", "-am", "A person approves PR-001 and adds PR-050");
        var committed = System.Diagnostics.Stopwatch.StartNew();

        await Eventually.ReturnsAsync(() => _h.Hot.GetAsync("PR-001", Ct), s => !s.IsHot && s.ColdState == ColdState.Approved, "PR-001's work was cleared: git approved it", Noticed);
        output.WriteLine($"the person's commit was acted on in Redis {committed.Elapsed.TotalMilliseconds:F0} ms after git commit returned");
        await Eventually.ReturnsAsync(() => _h.Hot.GetAsync("PR-050", Ct), s => s.ColdState == ColdState.Ready, "PR-050 appeared", Noticed);
        Assert.Contains(_h.Events, e => e.Kind == SyncEventKind.GitChanged);
        Assert.Contains((await _sync.ReadyAsync(Ct)), s => s.Id == "PR-050");
    }

    [Fact]
    public async Task PersonsResetDroppingAPr_NoticedAndItsStateCleared()
    {
        var text = _h.HeadTaskList() + "### PR-060: Soon gone\n\n---\npr_id: PR-060\ntitle: Soon gone\ncold_state: ready\ndependencies: []\n---\n";
        _h.PersonCommits(text, "Add PR-060");
        await Eventually.ReturnsAsync(() => _h.Hot.GetAsync("PR-060", Ct), s => s.ColdState == ColdState.Ready, "PR-060 appeared", Noticed);
        await _sync.ClaimAsync("PR-060", "agent-1", HotState.InProgress, Ct);

        _h.Repo.Git("reset", "-q", "--hard", "HEAD~1");

        await Eventually.ReturnsAsync(() => _h.Hot.GetAsync("PR-060", Ct), s => !s.IsHot && s.ColdState is null, "PR-060's state was cleared", Noticed);
    }

    [Fact]
    public async Task HalfFinishedEditFinished_TheOwedMilestoneIsAppliedToTheFileBeforeThePersonCommits()
    {
        var lease = (await _sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var mine = _h.HeadTaskList().Replace("**Description:** PR-003 does its part.", "**Description:** PR-003, reworded.", StringComparison.Ordinal);
        _h.Repo.WriteFile(SyncTaskList.Path, mine.Replace("title: Work item PR-003", "title: [Work item PR-003", StringComparison.Ordinal));
        var result = await _sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);
        Assert.NotNull(result.Commit);

        _h.Repo.WriteFile(SyncTaskList.Path, mine); // the person finishes, from their copy that still says ready
        await Eventually.TrueAsync(() => _h.Repo.ReadFile(SyncTaskList.Path).Contains("pr_id: PR-001\ntitle: Work item PR-001\ncold_state: completed", StringComparison.Ordinal), "the owed edit reached the file", Noticed);
        // The hub may still be writing the dependency engine's follow-up into the index: a person whose git says another
        // process holds index.lock tries again, as git's message tells them to.
        bool PersonCommits()
        {
            var (code, _, stderr) = _h.Repo.TryGit("commit", "-q", "-am", "A person's rewording");
            return code == 0 || (stderr.Contains("index.lock", StringComparison.Ordinal) ? false : throw new InvalidOperationException(stderr));
        }

        await Eventually.TrueAsync(PersonCommits, "the person's commit went in", Noticed);

        var committed = _h.HeadTaskList();
        Assert.Contains("pr_id: PR-001\ntitle: Work item PR-001\ncold_state: completed", committed, StringComparison.Ordinal);
        Assert.Contains("PR-003, reworded.", committed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonResetsTheBranchPastAMilestone_TheMilestoneIsCommittedAgainAndRedisFollows()
    {
        var before = _h.Head();
        var lease = (await _sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var done = await _sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);
        await Eventually.ReturnsAsync(() => _h.Hot.GetAsync("PR-002", Ct), s => s.ColdState == ColdState.Ready, "the dependants were unlocked", Noticed);

        _h.Repo.Git("reset", "-q", "--hard", before); // back past the milestone and its dependency commit

        await Eventually.TrueAsync(() => _h.HeadTaskList().Contains("pr_id: PR-001\ntitle: Work item PR-001\ncold_state: completed", StringComparison.Ordinal), "PR-001's milestone is back on the branch", Noticed);
        await Eventually.ReturnsAsync(() => _h.Hot.GetAsync("PR-002", Ct), s => s.ColdState == ColdState.Ready, "PR-002 is ready again", Noticed);
        Assert.Contains($"Restored: {done.Commit}", _h.Repo.Git("log", "--format=%B", "main"), StringComparison.Ordinal);
        // The restore is followed by the dependency engine's own commit for the other dependants; once that settled,
        // Redis and git agree (checked right away, a busy machine could still be between the two).
        await Eventually.ReturnsAsync(() => _sync.ReconcileAsync(dryRun: true, Ct), r => r.Clean, "a dry-run reconciliation is clean", Noticed);
    }

    [Fact]
    public async Task HubsOwnCommits_DoNotTriggerAReconciliation()
    {
        var lease = (await _sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct)).Lease!;
        var passes = _cycle.Passes;
        await _sync.TransitionAsync("PR-001", ColdState.Completed, "agent-1", lease, null, Ct);
        await Eventually.TrueAsync(() => _cycle.Passes > passes, "the watcher saw the hub's own commit", Noticed);

        Assert.DoesNotContain(_h.Events, e => e.Kind == SyncEventKind.GitChanged);
    }
}
