using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;

namespace Thermocline.ColdStore.Tests.Commits;

public sealed class ConcurrencyAndFailureTests
{
    private static ColdTransition Finish(string pr = "PR-001") =>
        new(pr, HotState.InProgress, ColdState.Completed, "agent-1") { Lease = 3, ClaimedFrom = ColdState.Ready };

    /// <summary>
    /// Commits <paramref name="text"/> as the task list (plus another file) on top of HEAD with plumbing only,
    /// as another writer would; plumbing needs no index, so the store's hold on index.lock does not stop it.
    /// </summary>
    private static string CommitBehindTheStoresBack(ColdRepo r, string text, string otherFile = "other.txt")
    {
        var blob = r.Repo.TryGitWithInput(text, "hash-object", "-w", "--stdin").Stdout.Trim();
        var other = r.Repo.TryGitWithInput("someone else's work\n", "hash-object", "-w", "--stdin").Stdout.Trim();
        var tree = BuildTree(r, blob, other, otherFile);
        var commit = r.Repo.Git("commit-tree", tree, "-p", "HEAD", "-m", "Someone else's commit").Trim();
        r.Repo.Git("update-ref", "refs/heads/main", commit);
        return commit;
    }

    private static string BuildTree(ColdRepo r, string taskListBlob, string otherBlob, string otherFile)
    {
        var headTree = r.Repo.Git("rev-parse", "HEAD^{tree}").Trim();
        var entries = r.Repo.Git("ls-tree", "-r", headTree).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.EndsWith("\t" + ColdRepo.Path, StringComparison.Ordinal) && !l.EndsWith("\t" + otherFile, StringComparison.Ordinal))
            .ToList();
        entries.Add($"100644 blob {taskListBlob}\t{ColdRepo.Path}");
        entries.Add($"100644 blob {otherBlob}\t{otherFile}");
        // mktree needs one level at a time: build docs/ first, then the root.
        var docs = entries.Where(e => e.Contains("\tdocs/", StringComparison.Ordinal)).Select(e => e.Replace("\tdocs/", "\t", StringComparison.Ordinal));
        var docsTree = r.Repo.TryGitWithInput(string.Join('\n', docs) + "\n", "mktree").Stdout.Trim();
        var root = entries.Where(e => !e.Contains("\tdocs/", StringComparison.Ordinal)).Append($"040000 tree {docsTree}\tdocs");
        return r.Repo.TryGitWithInput(string.Join('\n', root) + "\n", "mktree").Stdout.Trim();
    }

    [Fact]
    public async Task CommitTransition_HeadMovedByAnotherCommit_ReappliedOnTheNewHead()
    {
        await using var r = await ColdRepo.CreateAsync();
        var theirs = TestTaskList.With(TestTaskList.Text, "PR-002", "blocked", "ready");
        string? other = null;
        r.Store.BeforeRefUpdate = () =>
        {
            r.Store.BeforeRefUpdate = null;
            other = CommitBehindTheStoresBack(r, theirs);
        };

        var result = await r.Store.CommitTransitionAsync(Finish());

        Assert.Equal(1, result.HeadMovedRetries);
        Assert.Equal(other, r.Repo.Git("rev-parse", "HEAD~1").Trim());
        Assert.Equal(TestTaskList.With(theirs, "PR-001", "ready", "completed"), r.HeadTaskList());
        Assert.Equal("someone else's work\n", r.Repo.Show("HEAD", "other.txt"));
        Assert.Equal(ColdRepo.Path, r.Repo.Git("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").Trim());
    }

    [Fact]
    public async Task CommitTransition_HeadMovedWithConflictingColdState_RefusedAndNothingCommitted()
    {
        await using var r = await ColdRepo.CreateAsync();
        var theirs = TestTaskList.With(TestTaskList.Text, "PR-001", "ready", "blocked");
        string? other = null;
        r.Store.BeforeRefUpdate = () =>
        {
            r.Store.BeforeRefUpdate = null;
            other = CommitBehindTheStoresBack(r, theirs);
        };

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish()));

        Assert.Equal(ErrorKind.LeaseConflict, ex.Kind);
        Assert.Contains("moved underneath", ex.Message, StringComparison.Ordinal);
        Assert.Equal(other, r.Repo.Head());
        Assert.Equal(TestTaskList.Text, r.Repo.ReadFile(ColdRepo.Path));
        Assert.False(File.Exists(Path.Combine(r.Repo.GitDir, "index.lock")));
    }

    [Fact]
    public async Task CommitTransition_IndexLockHeld_RetriedThenReportedAsUnavailable()
    {
        await using var r = await ColdRepo.CreateAsync(realTime: true, configure: o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
        var lockFile = Path.Combine(r.Repo.GitDir, "index.lock");
        await File.WriteAllTextAsync(lockFile, "held by another git");
        var head = r.Repo.Head();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish()));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.Contains(lockFile, ex.Message, StringComparison.Ordinal);
        Assert.Contains("remove it", ex.Message, StringComparison.Ordinal);
        Assert.Contains(r.Logger.Entries, e => e.Id.Id == 3003);
        Assert.Equal(head, r.Repo.Head());
        Assert.Equal("held by another git", await File.ReadAllTextAsync(lockFile));
    }

    [Fact]
    public async Task CommitTransition_IndexLockReleasedWhileRetrying_Succeeds()
    {
        await using var r = await ColdRepo.CreateAsync(realTime: true, configure: o => o.LockTimeout = TimeSpan.FromSeconds(30));
        var lockFile = Path.Combine(r.Repo.GitDir, "index.lock");
        await File.WriteAllTextAsync(lockFile, "");

        var commit = r.Store.CommitTransitionAsync(Finish());
        await r.Logger.WhenLogged(3003).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(commit.IsCompleted);
        File.Delete(lockFile);
        var result = await commit;

        Assert.True(result.Committed);
        Assert.Equal(result.Sha, r.Repo.Head());
        Assert.Equal("", r.Repo.Status());
    }

    [Fact]
    public async Task CommitTransition_FailsAtRefUpdate_LeavesHeadIndexAndWorkingTreeAsTheyWere()
    {
        await using var r = await ColdRepo.CreateAsync(realTime: true, configure: o => o.LockTimeout = TimeSpan.FromMilliseconds(200));
        r.Repo.WriteFile("src/staged.cs", "staged\n");
        r.Repo.Git("add", "src/staged.cs");
        var edited = TestTaskList.Text.Replace("first.", "first, edited.", StringComparison.Ordinal);
        r.Repo.WriteFile(ColdRepo.Path, edited);
        var head = r.Repo.Head();
        var indexBefore = await File.ReadAllBytesAsync(Path.Combine(r.Repo.GitDir, "index"));
        var statusBefore = r.Repo.Status();
        // Another process holds the branch's lock for longer than the store waits.
        var refLock = Path.Combine(r.Repo.GitDir, "refs", "heads", "main.lock");
        await File.WriteAllTextAsync(refLock, "");

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Finish()));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.Contains("main.lock", ex.Message, StringComparison.Ordinal);
        File.Delete(refLock);
        Assert.Equal(head, r.Repo.Head());
        Assert.Equal(indexBefore, await File.ReadAllBytesAsync(Path.Combine(r.Repo.GitDir, "index")));
        Assert.Equal(edited, r.Repo.ReadFile(ColdRepo.Path));
        Assert.Equal(statusBefore, r.Repo.Status());
        Assert.False(File.Exists(Path.Combine(r.Repo.GitDir, "index.lock")));
    }

    [Fact]
    public async Task CommitTransition_Cancelled_LeavesEverythingAsItWasAndReleasesTheLock()
    {
        await using var r = await ColdRepo.CreateAsync(realTime: true, configure: o => o.LockTimeout = TimeSpan.FromSeconds(30));
        var lockFile = Path.Combine(r.Repo.GitDir, "index.lock");
        await File.WriteAllTextAsync(lockFile, "");
        using var cts = new CancellationTokenSource();
        var head = r.Repo.Head();

        var commit = r.Store.CommitTransitionAsync(Finish(), cts.Token);
        await r.Logger.WhenLogged(3003).WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit);
        Assert.True(File.Exists(lockFile));
        File.Delete(lockFile);
        Assert.Equal(head, r.Repo.Head());
        var after = await r.Store.CommitTransitionAsync(Finish());
        Assert.True(after.Committed);
    }
}
