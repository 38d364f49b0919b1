using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Holds <c>.git/index.lock</c> the way git does (created exclusively), for the whole of a commit that keeps the
/// working copy in step: git commands that would change the index or commit wait for us, we wait for them, and the
/// index entry of the task list is replaced without racing a person's <c>git add</c>.
/// </summary>
internal sealed class IndexLock : IDisposable
{
    private readonly string _stateDir;

    private IndexLock(string path, string stateDir)
    {
        Path = path;
        _stateDir = stateDir;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates the lock, waiting with backoff while someone else holds it, then fails naming the cause. Only a lock of
    /// ours whose process is gone is removed (<see cref="LockOwnership"/>).
    /// </summary>
    public static async Task<IndexLock> AcquireAsync(string gitDir, string stateDir, TimeSpan timeout, TimeProvider time, Action onFirstWait, Action<int> onStaleRemoved, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(gitDir, "index.lock");
        var backoff = new Backoff(time, timeout);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (LockOwnership.TryCreateMarked(stateDir, path))
            {
                return new IndexLock(path, stateDir);
            }

            if (LockOwnership.RemoveIfOursAndDead(stateDir, path) is { } pid)
            {
                onStaleRemoved(pid);
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
        $"git is busy: {path} is held by another git process (waited {waited.TotalSeconds:F1} s); nothing was committed. " +
        "A git command is running — a commit waiting in its editor, a rebase, an editor's git integration: finish it and retry. " +
        $"Only if no git process is running at all did one crash and leave the lock behind: then remove it (rm '{path}') and retry.");

    /// <summary>Releases the lock.</summary>
    public void Dispose() => LockOwnership.Release(_stateDir, Path);
}
