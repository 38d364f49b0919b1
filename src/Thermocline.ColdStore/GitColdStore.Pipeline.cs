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
            // The blob is compressed and written while its id is computed here; then the trees and the commit, as bytes;
            // then all of them are written and made durable at once, before the branch may point at them.
            ObjectId commitId;
            TaskListSnapshot updated;
            List<Task<LooseObjectWriter.StagedObject>> staging = [Task.Run(() => _objects.Stage("blob", bytes))];
            try
            {
                var blobId = LooseObjectWriter.HashBlob(bytes);
                updated = new TaskListSnapshot(blobId, snapshot.Mode, bytes, edit.NewList);
                copies.StartIndex(snapshot, updated, edit.Reapply);
                var trees = CommitObjects.Trees(_native, head.Tree.Id, _options.TaskListPath, blobId);
                var commitObject = CommitObjects.Commit(trees[^1].Id, head.Id, _options.CommitterName, _options.CommitterEmail, now, edit.Message);
                List<CommitObjects.GitObject> objects = [.. trees, commitObject];
                staging.AddRange(objects.Select(o => Task.Run(() => _objects.Stage(o.Type, o.Content))));
                var staged = await Task.WhenAll(staging);
                _objects.PublishAll([(staged[0], blobId), .. objects.Select((o, i) => (staged[i + 1], o.Id))]);
                commitId = commitObject.Id;
            }
            catch (Exception ex) when (ex is LibGit2SharpException or IOException or UnauthorizedAccessException or InvalidOperationException)
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
                rc = LibGit2Native.CompareAndSwapRef(_native, refName, commitId, head.Id, "commit: " + title, out error);
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
            ColdStoreLog.Committed(_logger, title, commitId.Sha, elapsedMs);
            return (new ColdCommit(commitId.Sha, true, now, moved, workingTree, index), null);
        }
    }

    // Staged objects that were not published (the commit failed before) are removed; published ones are gone already.
    private static async Task DiscardAsync(IEnumerable<Task<LooseObjectWriter.StagedObject>> staging)
    {
        foreach (var task in staging)
        {
            try
            {
                (await task).Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Staging failed (reported by the commit) or the temp file could not be removed: git gc prunes tmp_obj_*.
            }
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
