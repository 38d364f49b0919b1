using System.Diagnostics;
using LibGit2Sharp;
using Thermocline.ColdStore.Git;
using Thermocline.ColdStore.History;
using Thermocline.ColdStore.Messages;
using Thermocline.ColdStore.Native;
using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    /// <summary>Plans an edit on HEAD's task list; null when there is nothing to commit.</summary>
    private delegate PlannedEdit? Plan(TaskListSnapshot head, Commit headCommit, DateTimeOffset now);

    /// <summary>
    /// The one write path. Under the in-process gate and <c>.git/index.lock</c>: read HEAD, plan the edit on
    /// its task list, write blob + tree + commit, move the branch only if it still points at the HEAD that was
    /// read (else re-read and re-plan), then bring the working tree and the index entry up to date. Until the
    /// branch moves nothing visible has changed (unreferenced objects at most), so any failure before that
    /// leaves HEAD, the index and the working tree as they were.
    /// </summary>
    private async Task<ColdCommit> CommitAsync(Plan plan, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken);
        ColdCommit result;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var indexLock = _workDir is null ? null : await AcquireIndexLockAsync(cancellationToken);
            var refLockWait = new Backoff(_time, _options.LockTimeout);
            while (true)
            {
                ColdCommit? done;
                string? lockedRef;
                try
                {
                    (done, lockedRef) = await Task.Run(() => CommitOnceAsync(plan, cancellationToken), cancellationToken);
                }
                catch (LibGit2SharpException ex)
                {
                    throw ThermoclineException.Unavailable($"git failed ({ex.Message}); nothing was committed.", ex);
                }

                if (done is not null)
                {
                    result = done;
                    break;
                }

                if (LockOwnership.RemoveIfCrashed(_gitDir, lockedRef!, _time.GetUtcNow()) is { } crashedPid)
                {
                    ColdStoreLog.StaleLockRemoved(_logger, lockedRef!, crashedPid);
                    continue;
                }

                if (refLockWait.Attempts == 0)
                {
                    ColdStoreLog.LockHeld(_logger, lockedRef!, _options.LockTimeout.TotalMilliseconds);
                }

                if (!await refLockWait.TryWaitAsync(cancellationToken))
                {
                    throw IndexLock.Held(lockedRef!, refLockWait.Elapsed);
                }
            }

            if (result.Committed)
            {
                SchedulePackCheck();
            }
        }
        finally
        {
            _gate.Release();
        }

        return result;
    }

    private async Task<(ColdCommit? Done, string? LockedRef)> CommitOnceAsync(Plan plan, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var moved = 0; ; moved++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (refName, head) = ReadHead();
            var snapshot = Load(head);
            var now = CommitText.WholeSeconds(_time.GetUtcNow());
            var edit = plan(snapshot, head, now);
            if (edit is null)
            {
                return (new ColdCommit(head.Sha, false, now, moved, WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged), null);
            }

            // The working tree and the index are prepared on another thread while git writes; they change only after
            // the branch has moved, and what was prepared is thrown away if it does not.
            var bytes = edit.NewList.ToBytes();
            await using var copies = WorkingCopyUpdate.Start(_workDir, _gitDir, _options.TaskListPath, _logger, _retired, snapshot, bytes, edit.Reapply);
            Commit commit;
            TaskListSnapshot updated;
            var staging = Task.Run(() => _objects.Stage(bytes)); // compressed and written while the id is computed here
            try
            {
                var blobId = LooseObjectWriter.HashBlob(bytes);
                updated = new TaskListSnapshot(blobId, snapshot.Mode, bytes, edit.NewList);
                copies.StartIndex(snapshot, updated, edit.Reapply);
                using (var staged = await staging)
                {
                    _objects.Publish(staged, blobId);
                }

                var tree = _repo.ObjectDatabase.CreateTree(TreeDefinition.From(head.Tree).Add(_options.TaskListPath, blobId, snapshot.Mode));
                var signature = new Signature(_options.CommitterName, _options.CommitterEmail, now);
                commit = _repo.ObjectDatabase.CreateCommit(signature, signature, edit.Message, tree, [head], prettifyMessage: false);
            }
            catch (Exception ex) when (ex is LibGit2SharpException or IOException or UnauthorizedAccessException)
            {
                throw ThermoclineException.Unavailable($"git could not write the commit ({ex.Message}); nothing was committed.", ex);
            }
            finally
            {
                await DiscardAsync(staging);
            }

            cancellationToken.ThrowIfCancellationRequested();
            BeforeRefUpdate?.Invoke();
            var title = MilestoneParser.Title(edit.Message);
            var refLock = Path.Combine(_gitDir, refName + ".lock");
            if (File.Exists(refLock))
            {
                return (null, refLock); // held, or left by a crash: the caller finds out which before our intention replaces its record
            }

            LockOwnership.Intend(_gitDir, refLock);
            _retired.Retire(Path.Combine(_gitDir, refName)); // libgit2 renames the new ref over it
            int rc;
            string? error;
            try
            {
                rc = LibGit2Native.CompareAndSwapRef(_native, refName, commit.Id, head.Id, "commit: " + title, out error);
            }
            finally
            {
                LockOwnership.Release(_gitDir, refLock);
            }

            if (rc == LibGit2Native.ErrorLocked)
            {
                return (null, Path.Combine(_gitDir, refName + ".lock"));
            }

            if (rc == LibGit2Native.ErrorModified)
            {
                var now2 = _repo.Refs[refName]?.ResolveToDirectReference()?.TargetIdentifier ?? "(gone)";
                if (moved + 1 >= _options.MaxHeadMovedRetries)
                {
                    throw ThermoclineException.Unavailable($"{refName} kept moving underneath ({moved + 1} times); nothing was committed. Retry when the other writer is done.");
                }

                ColdStoreLog.HeadMoved(_logger, head.Sha[..12], now2.Length > 12 ? now2[..12] : now2, moved + 1);
                continue;
            }

            if (rc < 0)
            {
                throw ThermoclineException.Unavailable($"git could not move {refName} to the new commit ({error}); nothing was committed.");
            }

            // The branch moved: the transition is committed (and, durable, on disk). What follows only keeps
            // the working tree and the index in step; its failures are logged, never turned into an error.
            _cache = updated;
            if (edit.IsColdChange)
            {
                _lastColdCommitAt = _time.GetUtcNow();
            }

            var (workingTree, index) = await copies.CompleteAsync();
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            ColdStoreLog.Committed(_logger, title, commit.Sha, elapsedMs);
            return (new ColdCommit(commit.Sha, true, now, moved, workingTree, index), null);
        }
    }

    // A staged object that was not published (the commit failed before it) is removed; one that was is gone already.
    private static async Task DiscardAsync(Task<LooseObjectWriter.StagedObject> staging)
    {
        try
        {
            (await staging).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Staging failed (reported by the await in the commit) or the temp file could not be removed: git gc prunes
            // tmp_obj_* files.
        }
    }

    // .git/index.lock for the whole of a commit or repair, taken the way git takes it.
    private Task<IndexLock> AcquireIndexLockAsync(CancellationToken cancellationToken)
    {
        var lockPath = Path.Combine(_gitDir, "index.lock");
        return IndexLock.AcquireAsync(
            lockPath,
            _options.LockTimeout,
            _time,
            () => ColdStoreLog.LockHeld(_logger, lockPath, _options.LockTimeout.TotalMilliseconds),
            pid => ColdStoreLog.StaleLockRemoved(_logger, lockPath, pid),
            cancellationToken);
    }

    private (string RefName, Commit Head) ReadHead()
    {
        var headRef = _repo.Refs.Head ?? throw ThermoclineException.Unavailable($"{_gitDir} has no HEAD.");
        var refName = headRef is SymbolicReference symbolic ? symbolic.TargetIdentifier : "HEAD";
        if (headRef.ResolveToDirectReference()?.Target is not Commit head)
        {
            throw ThermoclineException.BadTaskList($"the repository has no commits yet (HEAD → {refName}); commit {_options.TaskListPath} first ('thermo init' does).");
        }

        return (refName, head);
    }

    private TaskListSnapshot Load(Commit head)
    {
        var entry = head[_options.TaskListPath];
        if (entry is null || entry.TargetType != TreeEntryTargetType.Blob)
        {
            throw ThermoclineException.BadTaskList($"{_options.TaskListPath} is not in HEAD ({head.Sha[..12]}); commit a task list first ('thermo init' writes one).");
        }

        if (entry.Mode is not (Mode.NonExecutableFile or Mode.ExecutableFile))
        {
            throw ThermoclineException.BadTaskList($"{_options.TaskListPath} is a {entry.Mode} in HEAD; it must be a regular file.");
        }

        if (_cache is { } cached && cached.BlobId == entry.Target.Id)
        {
            return cached;
        }

        var snapshot = TaskListSnapshot.Read((Blob)entry.Target, entry.Mode);
        _cache = snapshot;
        return snapshot;
    }
}
