using LibGit2Sharp;
using Thermocline.ColdStore.Git;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    private const int RecoveryDepth = 200;

    /// <summary>
    /// After a crash between a commit and the working-tree and index updates that follow it: a working-tree copy or
    /// index entry of the task list that is byte for byte the version before one of the hub's own recent commits is
    /// a stale copy, not a person's work, and is brought up to HEAD (so <c>git status</c> is clean and nobody
    /// commits the milestone away). Anything else — a person's edits, staged changes — is left alone.
    /// </summary>
    public async Task<(WorkingTreeUpdate WorkingTree, IndexUpdate Index)> RepairWorkingCopyAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_workDir is null)
        {
            return (WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var indexLock = await AcquireIndexLockAsync(cancellationToken);
            return await Task.Run(Repair, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private (WorkingTreeUpdate, IndexUpdate) Repair()
    {
        RemoveLeftoverTempFiles();
        _retired.DeleteAll();
        var (_, head) = ReadHead();
        var current = Load(head);
        var stale = StaleVersions(head, current.BlobId);
        if (stale.Count == 0)
        {
            return (WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged);
        }

        static (TaskList?, string?) NoMerge(TaskList _) => (null, "it differs from every version the hub wrote; left for a person");

        var workingTree = WorkingTreeUpdate.Unchanged;
        var fullPath = Path.Combine(_workDir!, _options.TaskListPath);
        if (File.Exists(fullPath))
        {
            var bytes = File.ReadAllBytes(fullPath);
            var match = stale.Where(s => s.Blob.Size == bytes.Length).Select(Snapshot).FirstOrDefault(s => s.Bytes.AsSpan().SequenceEqual(bytes));
            if (match is not null)
            {
                workingTree = WorkingTreeSync.Apply(fullPath, _options.TaskListPath, match.Bytes, current.Bytes, NoMerge, _logger);
                ColdStoreLog.WorkingCopyRepaired(_logger, _options.TaskListPath, "working tree", match.BlobId.Sha[..10], current.BlobId.Sha[..10]);
            }
        }

        var index = IndexUpdate.Unchanged;
        using (var fresh = new Repository(_gitDir))
        {
            var entryId = fresh.Index[_options.TaskListPath]?.Id;
            var match = stale.Where(s => s.Blob.Id == entryId).Select(Snapshot).FirstOrDefault();
            if (match is not null)
            {
                index = IndexSync.Apply(_gitDir, _options.TaskListPath, match, current, NoMerge, _logger);
                ColdStoreLog.WorkingCopyRepaired(_logger, _options.TaskListPath, "index", match.BlobId.Sha[..10], current.BlobId.Sha[..10]);
            }
        }

        return (workingTree, index);
    }

    // Temp files of the atomic working-tree write and of the index edit, left by a process killed mid-write. Only files
    // named for another process id go: this one's may be in use.
    private void RemoveLeftoverTempFiles()
    {
        var taskList = Path.Combine(_workDir!, _options.TaskListPath);
        var folder = Path.GetDirectoryName(taskList)!;
        var candidates = (Directory.Exists(folder) ? Directory.EnumerateFiles(folder, $".{Path.GetFileName(taskList)}.thermocline-*.tmp") : [])
            .Concat(Directory.EnumerateFiles(_gitDir, "thermocline-index-*.tmp"))
            .ToList();
        var mine = $"-{Environment.ProcessId}";
        foreach (var file in candidates)
        {
            var name = Path.GetFileName(file);
            if (name.Contains(mine + "-", StringComparison.Ordinal) || name.Contains(mine + ".", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                File.Delete(file);
                ColdStoreLog.LeftoverRemoved(_logger, file);
            }
            catch (IOException)
            {
            }
        }
    }

    private static TaskListSnapshot Snapshot((Blob Blob, Mode Mode) version) => TaskListSnapshot.Read(version.Blob, version.Mode);

    // The task list as it was before each of the hub's own most recent commits (first parents, newest first); blobs
    // are only read when a copy could match them.
    private List<(Blob Blob, Mode Mode)> StaleVersions(Commit head, ObjectId current)
    {
        var versions = new List<(Blob, Mode)>();
        var seen = new HashSet<ObjectId> { current };
        var commit = head;
        for (var depth = 0; depth < RecoveryDepth && commit.Committer.Name == _options.CommitterName && commit.Committer.Email == _options.CommitterEmail; depth++)
        {
            var parent = commit.Parents.FirstOrDefault();
            if (parent?[_options.TaskListPath] is not { TargetType: TreeEntryTargetType.Blob } entry)
            {
                break;
            }

            if (seen.Add(entry.Target.Id))
            {
                versions.Add(((Blob)entry.Target, entry.Mode));
            }

            commit = parent;
        }

        return versions;
    }
}
