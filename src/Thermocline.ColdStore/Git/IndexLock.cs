using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Holds <c>.git/index.lock</c> the way git does (created exclusively), for the whole of a commit: git
/// commands that would change the index or commit wait for us, we wait for them, and the index entry of the
/// task list can be replaced without racing a person's <c>git add</c>.
/// </summary>
internal sealed class IndexLock : IDisposable
{
    private readonly FileStream? _stream;

    private IndexLock(string path, FileStream? stream)
    {
        Path = path;
        _stream = stream;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Creates the lock file, retrying with backoff while another process holds it, then reports clearly.</summary>
    public static async Task<IndexLock> AcquireAsync(string path, TimeSpan timeout, TimeProvider time, Action onFirstWait, Action<int> onStaleLockRemoved, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(time, timeout);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var gitDir = System.IO.Path.GetDirectoryName(path)!;
            if (LockOwnership.TryLinkLock(gitDir, path) is { } linked)
            {
                if (linked)
                {
                    return new IndexLock(path, null); // created with our marker in it, in one step
                }
            }
            else if (!File.Exists(path))
            {
                // The intention is written first, so a crash between creating the lock and writing its marker still
                // leaves a trace of whose (empty) lock it is — but only when there is no lock, or it would overwrite
                // the record of the process that left one.
                LockOwnership.Intend(gitDir, path);
                try
                {
                    var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
                    stream.Write(LockOwnership.Marker());
                    stream.Flush();
                    return new IndexLock(path, stream);
                }
                catch (IOException) when (File.Exists(path))
                {
                    LockOwnership.Release(gitDir, path); // someone else got there first: the lock is not ours
                }
            }

            // Held by someone else: wait and retry — unless it was left by a process that is gone.
            if (LockOwnership.RemoveIfCrashed(gitDir, path, time.GetUtcNow()) is { } crashedPid)
            {
                onStaleLockRemoved(crashedPid);
                continue;
            }

            if (backoff.Attempts == 0)
            {
                onFirstWait();
            }

            if (!await backoff.TryWaitAsync(cancellationToken))
            {
                throw Held(path, backoff.Elapsed);
            }
        }
    }

    /// <summary>The error for a lock that stayed held: names the file and says what to do.</summary>
    public static ThermoclineException Held(string path, TimeSpan waited) => ThermoclineException.Unavailable(
        $"git is busy: {path} is held by another process (waited {waited.TotalSeconds:F1} s); nothing was committed. " +
        $"If a git command is running (a commit waiting in an editor, a rebase), finish it and retry. " +
        $"If no git process is running, a crashed one left the lock behind: remove it (rm '{path}') and retry.");

    /// <summary>Releases the lock (deletes the file, then the intention beside it).</summary>
    public void Dispose()
    {
        _stream?.Dispose();
        File.Delete(Path);
        LockOwnership.Release(System.IO.Path.GetDirectoryName(Path)!, Path);
    }
}
