using System.Diagnostics;
using LibGit2Sharp;
using Thermocline.ColdStore.Git;
using Thermocline.ColdStore.Native;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    /// <summary>Plans an edit on the branch's task list; null when there is nothing to commit.</summary>
    private delegate PlannedEdit? Plan(TaskListSnapshot tip, Commit tipCommit, DateTimeOffset now);

    /// <summary>
    /// The one write path, top to bottom. Under the in-process gate:
    /// <list type="number">
    /// <item>look at the person's checkout: refuse while an operation of theirs could revert the commit; take
    /// <c>.git/index.lock</c> when the branch is checked out here (the working copy is kept in step);</item>
    /// <item>read the branch's tip and plan the edit on its task list;</item>
    /// <item>write the blob, prepare the working copy beside the real files, write tree and commit (libgit2 fsyncs each);</item>
    /// <item>move the branch only if it still points at the tip that was read (else re-read and re-plan);</item>
    /// <item>put the working copy in place; an edit a copy could not take is owed to it.</item>
    /// </list>
    /// Until the branch moves nothing visible has changed (unreferenced objects at most), so any failure before that
    /// leaves the branch, the index and the working tree as they were.
    /// </summary>
    private async Task<ColdCommit> CommitAsync(Plan plan, bool waitWhileBusy, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var span = ColdStoreTracing.Source.StartActivity("commit");
        // With a remote its branch is the branch of record (the person's checkout is theirs) and commits go in push groups.
        var result = _remote is not null
            ? await CommitToRemoteAsync(plan, cancellationToken)
            : await CommitLocallyAsync(plan, waitWhileBusy, cancellationToken);
        span?.SetTag(ColdStoreTracing.CommitTag, result.Sha).SetTag(ColdStoreTracing.CommittedTag, result.Committed).SetTag(ColdStoreTracing.RetriesTag, result.HeadMovedRetries);
        return result;
    }

    private async Task<ColdCommit> CommitLocallyAsync(Plan plan, bool waitWhileBusy, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var (checkout, indexLock) = await EnterCheckoutAsync(waitWhileBusy ? _options.LockTimeout : TimeSpan.Zero, cancellationToken);
            using (indexLock)
            {
                var result = await Task.Run(() => CommitOnBranchAsync(plan, checkout, cancellationToken), cancellationToken);
                if (result.Committed)
                {
                    SchedulePackCheck();
                }

                return result;
            }
        }
        catch (Exception e) when (NothingCommitted(e) is { } failure)
        {
            throw failure;
        }
        finally
        {
            _gate.Release();
        }
    }

    // git or the file system failed before the branch moved: what the caller is told (null for anything else).
    private static ThermoclineException? NothingCommitted(Exception e) => e switch
    {
        LibGit2SharpException => ThermoclineException.Unavailable($"git failed ({e.Message}); nothing was committed.", e),
        IOException or UnauthorizedAccessException => ThermoclineException.Unavailable($"the repository cannot be written ({e.Message}: a full disk or a read-only .git?); nothing was committed.", e),
        _ => null,
    };

    // The checkout as a commit may treat it, and the index lock when the working copy is to be kept in step. A person may
    // start a merge or switch branch while we wait for the lock, so the checkout is looked at again under it.
    private async Task<(Checkout Checkout, IndexLock? Lock)> EnterCheckoutAsync(TimeSpan waitWhileBusy, CancellationToken cancellationToken)
    {
        var busyWait = new Backoff(_time, waitWhileBusy);
        while (true)
        {
            var checkout = InspectCheckout();
            if (checkout.Mode == CopyMode.Busy)
            {
                if (busyWait.Attempts == 0)
                {
                    ColdStoreLog.CheckoutBusy(_logger, checkout.Why!);
                }

                if (!await busyWait.TryWaitAsync(cancellationToken))
                {
                    throw ThermoclineException.Unavailable($"the hub did not commit to {Branch}: {checkout.Why} Nothing was committed.");
                }

                continue;
            }

            if (checkout.Mode == CopyMode.RefOnly)
            {
                ColdStoreLog.RefOnly(_logger, Branch, checkout.Why!);
                return (checkout, null);
            }

            var indexLock = await AcquireIndexLockAsync(cancellationToken);
            if (InspectCheckout().Mode == CopyMode.InStep)
            {
                return (checkout, indexLock);
            }

            indexLock.Dispose();
        }
    }

    /// <summary>The person's checkout as a commit would find it now: in step, committing by moving the branch only, or busy.</summary>
    public Task<CheckoutStatus> InspectCheckoutAsync(CancellationToken cancellationToken = default) => Task.Run(
        () =>
        {
            if (_remote is not null)
            {
                // The checkout is the person's; it only follows the remote branch (GitColdStore.Remote).
                var lag = Volatile.Read(ref _localBranchLag);
                return new CheckoutStatus(lag is null, false, lag);
            }

            var checkout = InspectCheckout();
            return new CheckoutStatus(checkout.Mode == CopyMode.InStep, checkout.Mode == CopyMode.Busy, checkout.Why);
        },
        cancellationToken);

    // Whether the copies may still be brought to the commit just made (the branch is at it). HEAD moves without the index
    // lock, so a person may have left the branch since the commit started. Onto another branch at that very commit
    // ("git switch -c topic", "git checkout --detach"): git touched neither copy, they still show the commit's parent,
    // and left so "git commit -a" on the new branch would revert the milestone there. Anywhere else: they are the person's.
    private bool StillInStep(ObjectId committed)
    {
        var checkout = InspectCheckout();
        return checkout.Mode == CopyMode.InStep || (checkout.Idle && _repo.Refs.Head?.ResolveToDirectReference()?.TargetIdentifier == committed.Sha);
    }

    private Checkout InspectCheckout() => _workDir is null
        ? new Checkout(CopyMode.RefOnly, "the repository is bare")
        : _remote is not null
            ? new Checkout(CopyMode.RefOnly, $"the hub commits to {_remote.Display}")
            : Checkout.Inspect(_gitDir, _commonDir, _workDir, _branchRef);

    private async Task<ColdCommit> CommitOnBranchAsync(Plan plan, Checkout checkout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var moved = 0; ; moved++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tip = ReadTip();
            var snapshot = Load(tip);
            var now = CommitText.WholeSeconds(_time.GetUtcNow());
            if (plan(snapshot, tip, now) is not { } edit)
            {
                return new ColdCommit(tip.Sha, false, now, moved, WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged);
            }

            // The blob first: the index copy prepared next points at it.
            var (blob, updated) = WriteBlob(edit, snapshot);

            // The working copy is written beside the real files before anything visible changes (on another thread, while
            // the tree and commit are written here), so a full disk or an unwritable folder refuses the commit rather than
            // leaving a copy that would revert it.
            if (checkout.Mode == CopyMode.InStep)
            {
                OweWhatAStaleSaveLacks(snapshot.List);
            }

            var owedAndThis = _owed.With(snapshot.List, edit.Changes);
            var preparing = checkout.Mode != CopyMode.InStep ? null : Task.Run(() => WorkingCopy.Prepare(new WorkingCopy.Request(
                Path.Combine(_workDir!, _options.TaskListPath), _gitDir, _options.TaskListPath, snapshot, updated,
                other => PlannedEdit.ApplyTo(other, owedAndThis, edit.DisplayBody, edit.Addition, edit.FieldEdit))));
            Commit commit;
            try
            {
                commit = WriteCommitOn(tip, blob, snapshot.Mode, edit.Message, now);
            }
            catch
            {
                await DiscardAsync(preparing);
                throw;
            }

            using var copy = preparing is null ? null : await preparing;
            cancellationToken.ThrowIfCancellationRequested();
            if (edit.NamedPr is { } named && copy?.LeavesAlone is { } why)
            {
                // No edit can be owed for a new block or a field: the person's next "git commit -a" would undo it again.
                throw ThermoclineException.Unavailable(
                    $"{named} was not {(edit.Addition is null ? "edited" : "added")}: the working copy of {_options.TaskListPath} cannot take it ({why}). Nothing was committed. " +
                    $"Finish or stash the person's edit of the file (it must parse, and {(edit.Addition is null ? "leave those fields of that PR as committed" : "not hold that id")}), then retry.");
            }

            BeforeRefUpdate?.Invoke();
            var title = MilestoneParser.Title(edit.Message);

            if (!await MoveBranchAsync(commit.Id, tip.Id, title, cancellationToken))
            {
                if (moved + 1 >= _options.MaxHeadMovedRetries)
                {
                    throw ThermoclineException.Unavailable($"{Branch} kept moving underneath ({moved + 1} times); nothing was committed. Retry when the other writer is done.");
                }

                ColdStoreLog.HeadMoved(_logger, tip.Sha[..12], _repo.Refs[_branchRef]?.TargetIdentifier is { Length: > 12 } now2 ? now2[..12] : "(gone)", moved + 1);
                continue;
            }

            AfterRefUpdate?.Invoke();
            // The branch moved: the change is committed (and, durable, on disk). What follows keeps the working copy in
            // step; it never fails the commit.
            _cache = updated;
            // Only a commit on the tip this store last saw moves what it knows: on a tip someone else made (a person's
            // commit or merge the watcher has not looked at yet) the move stays for RestoreDroppedMilestonesAsync to
            // examine — that commit may have undone a milestone.
            if (_knownTip is null || _knownTip == tip.Sha)
            {
                RememberTip(commit.Sha);
            }
            if (edit.IsColdChange)
            {
                _lastColdCommitAt = _time.GetUtcNow();
            }

            var (workingTree, index, owes) = copy?.Complete(_logger, () => StillInStep(commit.Id)) ?? (WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged, false);
            if (copy is not null)
            {
                SettleOwed(owes, edit.Changes, edit.NewList);
                RecordWrite(copy, workingTree, owedAndThis);
            }

            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            ColdStoreLog.Committed(_logger, title, commit.Sha, elapsedMs);
            return new ColdCommit(commit.Sha, true, now, moved, workingTree, index);
        }
    }

    // The edited task list as a blob (fsynced when durable), and the snapshot of the tip it makes.
    private (Blob Blob, TaskListSnapshot Updated) WriteBlob(PlannedEdit edit, TaskListSnapshot snapshot)
    {
        var bytes = edit.NewList.ToBytes();
        var blob = _repo.ObjectDatabase.CreateBlob(new MemoryStream(bytes, writable: false));
        return (blob, new TaskListSnapshot(blob.Id, snapshot.Mode, bytes, edit.NewList));
    }

    // A commit on parent whose tree is parent's with the task list replaced by blob; nothing points at it yet. A group's
    // leader names its leader fence in the message.
    private Commit WriteCommitOn(Commit parent, Blob blob, Mode mode, string message, DateTimeOffset now)
    {
        var tree = _repo.ObjectDatabase.CreateTree(TreeDefinition.From(parent.Tree).Add(_options.TaskListPath, blob, mode));
        var signature = new Signature(_options.CommitterName, _options.CommitterEmail, now);
        if (_lead is { } lead)
        {
            message = CommitMessages.WithLeaderFence(message, lead.Fence); // which leader of the group made it
        }

        return _repo.ObjectDatabase.CreateCommit(signature, signature, message, tree, [parent], prettifyMessage: false);
    }

    // Moves the branch from expected to the new commit: true when moved, false when it points elsewhere now. Waits while
    // someone holds the ref lock; removes it only when this hub's killed process provably left it.
    private async Task<bool> MoveBranchAsync(ObjectId commit, ObjectId expected, string title, CancellationToken cancellationToken)
    {
        var lockPath = Path.Combine(_commonDir, _branchRef + ".lock");
        var wait = new Backoff(_time, _options.LockTimeout);
        while (true)
        {
            // A lock left by this hub's killed process is found before our new record replaces the one naming it.
            var rc = LibGit2Native.ErrorLocked;
            string? error = null;
            if (!File.Exists(lockPath))
            {
                LockOwnership.RecordLock(StateDirectory, lockPath, commit.Sha);
                try
                {
                    rc = LibGit2Native.CompareAndSwapRef(_native, _branchRef, commit, expected, "commit: " + title, out error);
                }
                finally
                {
                    LockOwnership.ForgetLock(StateDirectory, lockPath);
                }
            }

            switch (rc)
            {
                case >= 0:
                    return true;
                case LibGit2Native.ErrorModified:
                    // Already there: git's push moves the remote-tracking ref itself when the remote's fetch refspec names it.
                    return _repo.Refs[_branchRef]?.TargetIdentifier == commit.Sha;
                case LibGit2Native.ErrorLocked when LockOwnership.RemoveIfOursAndDead(StateDirectory, lockPath) is { } pid:
                    ColdStoreLog.StaleLockRemoved(_logger, lockPath, pid);
                    continue;
                case LibGit2Native.ErrorLocked:
                    if (wait.Attempts == 0)
                    {
                        ColdStoreLog.LockHeld(_logger, lockPath, _options.LockTimeout.TotalMilliseconds);
                    }

                    if (!await wait.TryWaitAsync(cancellationToken))
                    {
                        throw IndexLock.Held(lockPath, wait.Elapsed);
                    }

                    continue;
                default:
                    throw ThermoclineException.Unavailable($"git could not move {Branch} to the new commit ({error}); nothing was committed.");
            }
        }
    }

    // A working copy prepared for a commit that will not happen: its temp files go (its own failure is moot then).
    private static async Task DiscardAsync(Task<WorkingCopy>? preparing)
    {
        try
        {
            if (preparing is not null)
            {
                (await preparing).Dispose();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibGit2SharpException)
        {
        }
    }

    // The tip this store last wrote or saw, kept beside git too: milestones a person's reset drops while the hub is down
    // are found at the next start. Best effort (after the branch moved, nothing may fail the commit).
    private void RememberTip(string? sha)
    {
        _knownTip = sha;
        try
        {
            File.WriteAllText(Path.Combine(StateDirectory, "last-tip"), sha ?? "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    // After a commit or repair that kept the working copy in step with list: what a copy could not take is owed to it;
    // else only what a commit from a copy that lacked it undid stays owed, for the restore to look at.
    private void SettleOwed(bool owes, IReadOnlyList<ColdChange> changes, TaskList list)
    {
        try
        {
            if (owes)
            {
                _owed.Add(changes);
            }
            else
            {
                _owed.Retain(c => list.Find(c.PrId)?.ColdState == c.From);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ColdStoreLog.WorkingTreeLeftAlone(_logger, _options.TaskListPath, "the owed edits could not be saved (" + e.Message + "); they are kept in memory");
        }
    }

    // The hub wrote the working-tree file: a stale buffer saved over it soon after is recognised (see StaleSaves).
    private void RecordWrite(WorkingCopy copy, WorkingTreeUpdate outcome, IReadOnlyList<ColdChange> applied)
    {
        if (outcome is WorkingTreeUpdate.Replaced or WorkingTreeUpdate.Merged && copy.TreeWritten is { } written)
        {
            _staleSaves.Record(written, applied);
        }
    }

    // A save of the working-tree file from a buffer read before one of the hub's recent writes (see StaleSaves): the
    // changes it lacks are owed to it, so the commit or repair under way applies them again.
    private void OweWhatAStaleSaveLacks(TaskList tip)
    {
        var path = Path.Combine(_workDir!, _options.TaskListPath);
        var file = new FileInfo(path);
        if (!file.Exists || !_staleSaves.MayHaveSavedOver(file.LastWriteTimeUtc, file.Length))
        {
            return;
        }

        var copy = TaskList.Parse(File.ReadAllBytes(path));
        var lacking = copy.HasErrors ? [] : _staleSaves.Lacking(file.LastWriteTimeUtc, copy, tip).Except(_owed.Changes).ToList();
        if (lacking.Count > 0)
        {
            ColdStoreLog.StaleSave(_logger, _options.TaskListPath, string.Join(", ", lacking.Select(c => $"{c.PrId} {StateNames.Of(c.To)}")));
            _owed.Add(lacking);
        }
    }

    // .git/index.lock for the whole of a commit or repair, taken the way git takes it.
    private Task<IndexLock> AcquireIndexLockAsync(CancellationToken cancellationToken, bool wait = true) => IndexLock.AcquireAsync(
        _gitDir,
        StateDirectory,
        wait ? _options.LockTimeout : TimeSpan.Zero,
        _time,
        () => ColdStoreLog.LockHeld(_logger, Path.Combine(_gitDir, "index.lock"), _options.LockTimeout.TotalMilliseconds),
        pid => ColdStoreLog.StaleLockRemoved(_logger, Path.Combine(_gitDir, "index.lock"), pid),
        cancellationToken);

    private Commit ReadTip()
    {
        var branch = _repo.Refs[_branchRef];
        if (branch is null)
        {
            throw ThermoclineException.BadTaskList($"{Branch} has no commits yet (or was deleted); commit {_options.TaskListPath} on it first ('thermo init' does).");
        }

        return branch.ResolveToDirectReference()?.Target as Commit
            ?? throw ThermoclineException.Unavailable($"{Branch} does not point at a commit.");
    }

    private TaskListSnapshot Load(Commit tip)
    {
        var entry = tip[_options.TaskListPath];
        if (entry is null || entry.TargetType != TreeEntryTargetType.Blob)
        {
            throw ThermoclineException.BadTaskList($"{_options.TaskListPath} is not on {Branch} ({tip.Sha[..12]}); commit a task list first ('thermo init' writes one).");
        }

        if (entry.Mode is not (Mode.NonExecutableFile or Mode.ExecutableFile))
        {
            throw ThermoclineException.BadTaskList($"{_options.TaskListPath} is a {entry.Mode} on {Branch}; it must be a regular file.");
        }

        if (_cache is { } cached && cached.BlobId == entry.Target.Id)
        {
            return cached;
        }

        return _cache = TaskListSnapshot.Read((Blob)entry.Target, entry.Mode);
    }
}
