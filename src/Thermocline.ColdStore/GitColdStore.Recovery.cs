using LibGit2Sharp;
using Thermocline.ColdStore.Git;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    private const int StaleDepth = 20;

    /// <summary>
    /// Brings the working copy (working-tree file and index entry of the task list) back in step with the branch, without
    /// ever losing a person's edits. Run at start-up after a crash, whenever git or the file changes (the watcher), and by
    /// the reconciliation cycle:
    /// <list type="bullet">
    /// <item>a copy that is byte for byte one of the hub's own earlier versions is stale — a crash between a commit and its
    /// working-copy update, or a person's checkout racing a commit — and is brought up to the tip;</item>
    /// <item>edits owed to a copy that could not take them (it did not parse yet, a write failed) are applied once it can.</item>
    /// </list>
    /// Does nothing while the branch is not checked out here or a person's operation is in progress. With
    /// <paramref name="waitForLock"/> false it does not wait for a person's git to release the index either (the watcher
    /// calls again once that git is done).
    /// </summary>
    public async Task<(WorkingTreeUpdate WorkingTree, IndexUpdate Index)> RepairWorkingCopyAsync(bool waitForLock = true, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_workDir is null)
        {
            return (WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            RemoveLeftoverTempFiles();

            // Looked at without the index lock first: the watcher calls this at every change a person makes, and their
            // next git command must not find the index locked by a hub that had nothing to do.
            if (InspectCheckout().Mode != CopyMode.InStep || !await Task.Run(NeedsRepair, cancellationToken))
            {
                return (WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged);
            }

            // A person may switch branch or start a merge while we wait for the lock: looked at again under it.
            using var indexLock = await AcquireIndexLockAsync(cancellationToken, waitForLock);
            return InspectCheckout().Mode != CopyMode.InStep ? (WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged) : await Task.Run(Repair, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True while edits are owed to the working copy (see <see cref="RepairWorkingCopyAsync"/>).</summary>
    public bool OwesWorkingCopy => !_owed.IsEmpty;

    // A stale save owes its copy what it lacks; then: does the copy owe an edit, or hold one of the hub's earlier versions?
    private bool NeedsRepair()
    {
        var tip = ReadTip();
        var current = Load(tip).List;
        OweWhatAStaleSaveLacks(current);
        return _owed.Applicable(current).Count > 0 || StaleVersion(tip) is not null;
    }

    private (WorkingTreeUpdate, IndexUpdate) Repair()
    {
        var tip = ReadTip();
        var current = Load(tip);
        var fullPath = Path.Combine(_workDir!, _options.TaskListPath);
        OweWhatAStaleSaveLacks(current.List);
        var stale = StaleVersion(tip);
        var owed = _owed.Applicable(current.List);
        if (stale is null && owed.Count == 0)
        {
            return (WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged);
        }

        using var copy = WorkingCopy.Prepare(new WorkingCopy.Request(
            fullPath, _gitDir, _options.TaskListPath, stale ?? current, current, other => PlannedEdit.ApplyTo(other, owed, null)));
        var (workingTree, index, owes) = copy.Complete(_logger, () => StillInStep(tip.Id));
        RecordWrite(copy, workingTree, stale is null ? owed : [.. ColdChanges(stale.List, current.List), .. owed]);
        if (stale is not null)
        {
            ColdStoreLog.WorkingCopyRepaired(_logger, _options.TaskListPath, $"working tree {workingTree}, index {index}", stale.BlobId.Sha[..10], current.BlobId.Sha[..10]);
        }

        if (owed.Count > 0 && !owes)
        {
            ColdStoreLog.OwedApplied(_logger, owed.Count, _options.TaskListPath);
        }

        SettleOwed(owes, [], current.List);
        return (workingTree, index);
    }

    // The hub's own earlier version that the working-tree file or the index entry still holds, or null. Versions are taken
    // from the first parents of the hub's most recent commits; a blob is read only when its size matches the file's.
    private TaskListSnapshot? StaleVersion(Commit tip)
    {
        var current = Load(tip);
        var fullPath = Path.Combine(_workDir!, _options.TaskListPath);
        var file = new FileInfo(fullPath);
        byte[]? bytes = null;
        ObjectId? staged;
        using (var fresh = new Repository(_gitDir))
        {
            staged = fresh.Index[_options.TaskListPath]?.Id;
        }

        var commit = tip;
        for (var depth = 0; depth < StaleDepth && commit.Committer.Name == _options.CommitterName && commit.Committer.Email == _options.CommitterEmail; depth++)
        {
            if (commit.Parents.FirstOrDefault() is not { } parent || parent[_options.TaskListPath] is not { TargetType: TreeEntryTargetType.Blob } entry)
            {
                break;
            }

            var blob = (Blob)entry.Target;
            if (blob.Id != current.BlobId)
            {
                if (blob.Id == staged)
                {
                    return TaskListSnapshot.Read(blob, entry.Mode);
                }

                if (file.Exists && file.Length == blob.Size)
                {
                    bytes ??= File.ReadAllBytes(fullPath);
                    var version = TaskListSnapshot.Read(blob, entry.Mode);
                    if (version.Bytes.AsSpan().SequenceEqual(bytes))
                    {
                        return version;
                    }
                }
            }

            commit = parent;
        }

        return null;
    }

    // Temp files of the working-copy update, left by a process killed mid-write. Only files named for another process go:
    // this one's may be in use.
    private void RemoveLeftoverTempFiles()
    {
        var folder = Path.GetDirectoryName(Path.Combine(_workDir!, _options.TaskListPath))!;
        var candidates = (Directory.Exists(folder) ? Directory.EnumerateFiles(folder, $".{Path.GetFileName(_options.TaskListPath)}.thermocline-*.tmp") : [])
            .Concat(Directory.EnumerateFiles(_gitDir, "thermocline-index-*.tmp"));
        var mine = $"-{Environment.ProcessId}-";
        foreach (var file in candidates.Where(f => !Path.GetFileName(f).Contains(mine, StringComparison.Ordinal)))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }
}
