using System.Diagnostics;
using System.Globalization;
using System.Text;
using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Holds <c>.git/index.lock</c> the way git does (created exclusively), for the whole of a commit: git
/// commands that would change the index or commit wait for us, we wait for them, and the index entry of the
/// task list can be replaced without racing a person's <c>git add</c>.
/// </summary>
internal sealed class IndexLock : IDisposable
{
    private readonly FileStream _stream;

    private IndexLock(string path, FileStream stream)
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
            try
            {
                // The intention is written first: a crash between creating the lock and writing its marker still
                // leaves a trace of whose (empty) lock it is.
                var marker = OwnerMarker();
                File.WriteAllBytes(IntentionPath(path), marker);
                var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
                stream.Write(marker);
                stream.Flush();
                return new IndexLock(path, stream);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Held by someone else: wait and retry — unless it is ours, left by a crashed process.
                if (RemoveIfLeftByCrashedOwner(path) is { } crashedPid)
                {
                    onStaleLockRemoved(crashedPid);
                    continue;
                }
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

    // What we write into the lock file: git never reads its content (it only tests that the file exists), and our
    // index edits go through a private copy, so the marker names the owner without disturbing anything.
    private static byte[] OwnerMarker()
    {
        using var self = Process.GetCurrentProcess();
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{MarkerPrefix}{Environment.ProcessId} {self.StartTime.ToUniversalTime().Ticks}\n"));
    }

    private const string MarkerPrefix = "thermocline-lock pid=";

    /// <summary>
    /// Removes the lock when our own marker names a process that is gone (killed while committing): no one else
    /// could have created a file with that content, and its owner can no longer be using it.
    /// </summary>
    private static int? RemoveIfLeftByCrashedOwner(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.ASCII);
        }
        catch (IOException)
        {
            return null;
        }

        if (text.Length == 0)
        {
            // Created but not yet written when its owner died? Only if our intention names a process that is gone.
            try
            {
                text = File.ReadAllText(IntentionPath(path), Encoding.ASCII);
            }
            catch (IOException)
            {
                return null;
            }
        }

        if (!text.StartsWith(MarkerPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = text[MarkerPrefix.Length..].Trim().Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
        {
            return null;
        }

        if (IsRunning(pid, started))
        {
            return null;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            return null;
        }

        return pid;
    }

    private static bool IsRunning(int pid, long startedTicks)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            // A recycled pid belongs to a process that started at another time.
            return !process.HasExited && Math.Abs(process.StartTime.ToUniversalTime().Ticks - startedTicks) < TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
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
        _stream.Dispose();
        File.Delete(Path);
        File.Delete(IntentionPath(Path));
    }

    private static string IntentionPath(string lockPath) => lockPath + ".thermocline-owner";
}
