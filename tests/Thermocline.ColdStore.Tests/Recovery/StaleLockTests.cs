using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;

namespace Thermocline.ColdStore.Tests.Recovery;

/// <summary>
/// Locks a killed hub left behind (<c>index.lock</c>, the branch's ref lock) are removed, because their owner is
/// recorded and gone; a lock without that record may be a live git's and is waited for, then reported.
/// </summary>
public sealed class StaleLockTests
{
    private static readonly ColdTransition Ready = new("PR-002", ColdState.Blocked, ColdState.Ready, "agent-1");

    // A pid that is not running (the kernel's pid_max is far below it), as a killed hub's marker would name.
    private const string DeadOwner = "thermocline-lock pid=999999999 638000000000000000\n";

    [Fact]
    public async Task Commit_IndexLockOfAKilledHub_RemovedAndCommitted()
    {
        await using var r = await ColdRepo.CreateAsync(realTime: true);
        await File.WriteAllTextAsync(Path.Combine(r.Repo.GitDir, "index.lock"), DeadOwner);

        var result = await r.Store.CommitTransitionAsync(Ready);

        Assert.True(result.Committed);
        Assert.Contains(r.Logger.Entries, e => e.Id.Id == 3014);
        Assert.False(File.Exists(Path.Combine(r.Repo.GitDir, "index.lock")));
    }

    [Fact]
    public async Task Commit_RefLockOfAKilledHubHoldingTheIdItRecorded_RemovedAndCommitted()
    {
        // Killed inside libgit2's ref update: the lock holds the commit id the hub recorded before asking for it.
        await using var r = await ColdRepo.CreateAsync(realTime: true);
        var branch = r.Repo.Git("symbolic-ref", "HEAD").Trim();
        var refLock = Path.Combine(r.Repo.GitDir, branch + ".lock");
        var lostCommit = new string('a', 40);
        await File.WriteAllTextAsync(refLock, lostCommit + "\n");
        var record = Path.Combine(r.Repo.GitDir, "thermocline", "locks", "refs!heads!main.lock.owner");
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        await File.WriteAllTextAsync(record, DeadOwner + lostCommit + "\n");

        var result = await r.Store.CommitTransitionAsync(Ready);

        Assert.True(result.Committed);
        Assert.False(File.Exists(refLock));
        Assert.False(File.Exists(record));
        Assert.Equal(result.Sha, r.Repo.Head());
    }

    [Fact]
    public async Task Commit_EmptyIndexLockOfAHubKilledBeforeItsMarker_RemovedAndCommitted()
    {
        // Killed between the exclusive create and writing the marker: the record written just before says whose it is.
        await using var r = await ColdRepo.CreateAsync(realTime: true);
        var lockFile = Path.Combine(r.Repo.GitDir, "index.lock");
        var record = Path.Combine(r.Repo.GitDir, "thermocline", "locks", "index.lock.owner");
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        await File.WriteAllTextAsync(record, DeadOwner + "\n");
        await File.WriteAllTextAsync(lockFile, "");

        var result = await r.Store.CommitTransitionAsync(Ready);

        Assert.True(result.Committed);
        Assert.False(File.Exists(lockFile));
        Assert.False(File.Exists(record));
    }

    [Fact]
    public async Task Open_RecordHalfWrittenByAKilledHub_SweptAndCommitsGoOn()
    {
        // Killed while writing a record, before the lock it announces was taken: nothing to remove but the record.
        await using var r = await ColdRepo.CreateAsync(realTime: true);
        var record = Path.Combine(r.Repo.GitDir, "thermocline", "locks", "refs!heads!main.lock.owner");
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        await File.WriteAllTextAsync(record, "thermo");

        await using var reopened = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = r.Repo.WorkDir });

        Assert.False(File.Exists(record));
        Assert.True((await reopened.CommitTransitionAsync(Ready)).Committed);
    }

    [Fact]
    public async Task Commit_EmptyRefLockOfAHubKilledBeforeLibgit2WroteIt_RemovedAndCommitted()
    {
        await using var r = await ColdRepo.CreateAsync(realTime: true);
        var refLock = Path.Combine(r.Repo.GitDir, "refs", "heads", "main.lock");
        var record = Path.Combine(r.Repo.GitDir, "thermocline", "locks", "refs!heads!main.lock.owner");
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        await File.WriteAllTextAsync(record, DeadOwner + new string('a', 40) + "\n");
        await File.WriteAllTextAsync(refLock, "");

        var result = await r.Store.CommitTransitionAsync(Ready);

        Assert.True(result.Committed);
        Assert.False(File.Exists(refLock));
    }

    [Fact]
    public async Task Commit_RefLockHoldingAnotherIdThanOurDeadRecord_NotRemoved()
    {
        // A record left by a hub killed after its update, and a person's git holding the lock now: the lock is theirs.
        await using var r = await ColdRepo.CreateAsync(realTime: true, configure: o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
        var branch = r.Repo.Git("symbolic-ref", "HEAD").Trim();
        var refLock = Path.Combine(r.Repo.GitDir, branch + ".lock");
        await File.WriteAllTextAsync(refLock, new string('b', 40) + "\n");
        var record = Path.Combine(r.Repo.GitDir, "thermocline", "locks", "refs!heads!main.lock.owner");
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        await File.WriteAllTextAsync(record, DeadOwner + new string('a', 40) + "\n");

        var e = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Ready));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.True(File.Exists(refLock));
    }

    [Fact]
    public async Task Commit_RefLockWithoutOurRecord_WaitedForThenReported()
    {
        await using var r = await ColdRepo.CreateAsync(realTime: true, configure: o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
        var branch = r.Repo.Git("symbolic-ref", "HEAD").Trim();
        var refLock = Path.Combine(r.Repo.GitDir, branch + ".lock");
        await File.WriteAllTextAsync(refLock, r.Repo.Head() + "\n");
        var head = r.Repo.Head();

        var e = await Assert.ThrowsAsync<ThermoclineException>(() => r.Store.CommitTransitionAsync(Ready));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains(refLock, e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(refLock));
        Assert.Equal(head, r.Repo.Head());
    }
}

/// <summary>Other people's locks are theirs, whatever their age and whether anyone has them open.</summary>
public sealed class OthersLockTests
{
    [Fact]
    public async Task Commit_OldEmptyIndexLockNobodyHasOpen_NotRemovedAndReportedAsBusy()
    {
        // A git waiting in its editor holds index.lock without an open descriptor; its age proves nothing either.
        await using var r = await ColdRepo.CreateAsync(realTime: true, configure: o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
        var lockFile = Path.Combine(r.Repo.GitDir, "index.lock");
        await File.WriteAllTextAsync(lockFile, "");
        File.SetLastWriteTimeUtc(lockFile, DateTime.UtcNow.AddMinutes(-10));
        var head = r.Repo.Head();

        var e = await Assert.ThrowsAsync<Domain.Errors.ThermoclineException>(() =>
            r.Store.CommitTransitionAsync(new ColdTransition("PR-002", Domain.States.ColdState.Blocked, Domain.States.ColdState.Ready, "agent-1")));

        Assert.Equal(Domain.Errors.ErrorKind.Unavailable, e.Kind);
        Assert.Contains("editor", e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(lockFile));
        Assert.Equal(head, r.Repo.Head());
    }

    [Fact]
    public async Task Commit_IndexLockHeldOpenByAnotherProcess_NotRemoved()
    {
        await using var r = await ColdRepo.CreateAsync(realTime: true, configure: o => o.LockTimeout = TimeSpan.FromMilliseconds(500));
        var lockFile = Path.Combine(r.Repo.GitDir, "index.lock");
        await File.WriteAllTextAsync(lockFile, "");
        File.SetLastWriteTimeUtc(lockFile, DateTime.UtcNow.AddMinutes(-1));
        using var holder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", $"exec 3<'{lockFile}'; sleep 30"]))!;
        try
        {
            await Thermocline.Testing.Eventually.TrueAsync(
                () => Directory.EnumerateFileSystemEntries($"/proc/{holder.Id}/fd").Any(fd => new FileInfo(fd).LinkTarget == lockFile),
                "the other process has the lock open");

            var e = await Assert.ThrowsAsync<Domain.Errors.ThermoclineException>(() =>
                r.Store.CommitTransitionAsync(new ColdTransition("PR-002", Domain.States.ColdState.Blocked, Domain.States.ColdState.Ready, "agent-1")));

            Assert.Equal(Domain.Errors.ErrorKind.Unavailable, e.Kind);
            Assert.True(File.Exists(lockFile));
        }
        finally
        {
            holder.Kill();
            await holder.WaitForExitAsync();
        }
    }
}
