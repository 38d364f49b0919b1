using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// The working-tree file and the index entry of one commit, brought in step with it in two halves: prepared on another
/// thread while git writes the commit (the new file and the new index are written beside the real ones; nothing a
/// person sees changes), then put in place by rename once the branch has moved — or thrown away when it did not.
/// Failures here never fail the commit: they are logged and the copy is left as it was.
/// </summary>
internal sealed class WorkingCopyUpdate : IAsyncDisposable
{
    private readonly string? _workDir;
    private readonly string _gitDir;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly RetiredFiles _retired;
    private readonly Task<WorkingTreeSync.PreparedWorkingTree>? _workingTree;
    private Task<IndexSync.PreparedIndex>? _index;

    private WorkingCopyUpdate(string? workDir, string gitDir, string path, ILogger logger, RetiredFiles retired, TaskListSnapshot old, byte[] newBytes, Reapply reapply)
    {
        _workDir = workDir;
        _gitDir = gitDir;
        _path = path;
        _logger = logger;
        _retired = retired;
        if (workDir is not null)
        {
            _workingTree = Task.Run(() =>
            {
                retired.DeletePending(); // the last commit's old copy, deleted now that nobody waits for it
                return PrepareWorkingTree(Path.Combine(workDir, path), old.Bytes, newBytes, reapply, retired);
            });
        }
    }

    /// <summary>Starts preparing the working-tree file (a bare repository has none: then nothing is done at all).</summary>
    public static WorkingCopyUpdate Start(string? workDir, string gitDir, string path, ILogger logger, RetiredFiles retired, TaskListSnapshot old, byte[] newBytes, Reapply reapply) =>
        new(workDir, gitDir, path, logger, retired, old, newBytes, reapply);

    /// <summary>Starts preparing the index, once the new blob's id is known.</summary>
    public void StartIndex(TaskListSnapshot old, TaskListSnapshot updated, Reapply reapply)
    {
        if (_workDir is not null)
        {
            _index = Task.Run(() => PrepareIndex(old, updated, reapply));
        }
    }

    /// <summary>Puts the prepared copies in place (the commit is in); returns what happened to each.</summary>
    public async Task<(WorkingTreeUpdate WorkingTree, IndexUpdate Index)> CompleteAsync()
    {
        var workingTree = WorkingTreeUpdate.Unchanged;
        var index = IndexUpdate.Unchanged;
        if (_workingTree is not null)
        {
            using var prepared = await _workingTree;
            workingTree = Guard(prepared.Complete, WorkingTreeUpdate.LeftAlone, e => ColdStoreLog.WorkingTreeFailed(_logger, _path, e));
        }

        if (_index is not null)
        {
            using var prepared = await _index;
            index = Guard(prepared.Complete, IndexUpdate.LeftAlone, e => ColdStoreLog.IndexFailed(_logger, _path, e));
        }

        return (workingTree, index);
    }

    /// <summary>Removes whatever was prepared and not put in place (after the commit did not happen, or after completion).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_workingTree is not null)
        {
            (await _workingTree).Dispose();
        }

        if (_index is not null)
        {
            (await _index).Dispose();
        }
    }

    private WorkingTreeSync.PreparedWorkingTree PrepareWorkingTree(string fullPath, byte[] oldBytes, byte[] newBytes, Reapply reapply, RetiredFiles retired)
    {
        try
        {
            return WorkingTreeSync.Prepare(fullPath, _path, oldBytes, newBytes, reapply, _logger, retired);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ThermoclineException)
        {
            return WorkingTreeSync.PreparedWorkingTree.Done(WorkingTreeUpdate.LeftAlone, () => ColdStoreLog.WorkingTreeFailed(_logger, _path, ex));
        }
    }

    private IndexSync.PreparedIndex PrepareIndex(TaskListSnapshot old, TaskListSnapshot updated, Reapply reapply)
    {
        try
        {
            return IndexSync.Prepare(_gitDir, _path, old, updated, reapply, _logger, _retired);
        }
        catch (Exception ex) when (ex is LibGit2SharpException or IOException or UnauthorizedAccessException or ThermoclineException)
        {
            return IndexSync.PreparedIndex.Failed(() => ColdStoreLog.IndexFailed(_logger, _path, ex));
        }
    }

    private static T Guard<T>(Func<T> complete, T fallback, Action<Exception> log)
    {
        try
        {
            return complete();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ThermoclineException or LibGit2SharpException)
        {
            log(ex);
            return fallback;
        }
    }
}
