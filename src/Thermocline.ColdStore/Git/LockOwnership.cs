using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Tells a lock file this hub left behind when it was killed from every other lock. Other people's locks are theirs:
/// a git waiting in an editor holds <c>index.lock</c> with no descriptor open, so "nobody has it open" proves nothing.
/// A lock is removed only when it is provably ours and its owner provably dead:
/// <list type="bullet">
/// <item><c>index.lock</c> is created by us with our marker (pid and start time) already inside, in one atomic step;</item>
/// <item>a ref lock is created by libgit2, empty until it writes the new commit id; just before asking for it we record
/// that id and our marker under <c>thermocline/locks</c>, so a ref lock created within a second of our record, empty or
/// holding exactly that id, is ours. Records whose lock is gone are swept when a store opens.</item>
/// </list>
/// </summary>
internal static class LockOwnership
{
    private const string MarkerPrefix = "thermocline-lock pid=";

    // The process's start time never changes: one /proc read per process.
    private static readonly Lazy<string> OwnMarker = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return string.Create(CultureInfo.InvariantCulture, $"{MarkerPrefix}{Environment.ProcessId} {self.StartTime.ToUniversalTime().Ticks}\n");
    });

    /// <summary>The marker naming this process.</summary>
    public static string Marker => OwnMarker.Value;

    /// <summary>Where the records of <paramref name="stateDir"/> live.</summary>
    public static string LocksDirectory(string stateDir) => Path.Combine(stateDir, "locks");

    /// <summary>
    /// Creates <paramref name="lockPath"/> with our marker inside, atomically (written beside it, then linked in without
    /// overwriting): true when it is ours now, false when something has that name.
    /// </summary>
    public static bool TryCreateMarked(string stateDir, string lockPath)
    {
        var dir = LocksDirectory(stateDir);
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $"new-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, Marker, Encoding.ASCII);
        try
        {
            File.Move(temp, lockPath, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Records that we are about to ask libgit2 to lock <paramref name="lockPath"/> and write <paramref name="newId"/> into it.</summary>
    public static void RecordRefLock(string stateDir, string lockPath, string newId)
    {
        var record = RecordPath(stateDir, lockPath);
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        File.WriteAllText(record, Marker + newId + "\n", Encoding.ASCII);
    }

    /// <summary>Removes records of ref locks that are gone (a hub killed after its update, before forgetting it).</summary>
    public static void SweepRecords(string stateDir)
    {
        var dir = LocksDirectory(stateDir);
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var record in Directory.EnumerateFiles(dir, "*.owner"))
        {
            var lockPath = Path.Combine(Path.GetDirectoryName(stateDir)!, Path.GetFileName(record)[..^".owner".Length].Replace('!', Path.DirectorySeparatorChar));
            if (!File.Exists(lockPath) && ParseOwner(File.ReadAllText(record, Encoding.ASCII).Split('\n')[0]) is not null)
            {
                File.Delete(record);
            }
        }
    }

    /// <summary>Forgets the record once the ref update is over (whatever its outcome).</summary>
    public static void ForgetRefLock(string stateDir, string lockPath) => File.Delete(RecordPath(stateDir, lockPath));

    /// <summary>
    /// Removes <paramref name="lockPath"/> when it is provably ours and its owner is gone; returns that owner's pid, or
    /// null (then the lock belongs to someone who may be alive: wait for it).
    /// </summary>
    public static int? RemoveIfOursAndDead(string stateDir, string lockPath)
    {
        string content;
        try
        {
            content = File.ReadAllText(lockPath, Encoding.ASCII);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var owner = content;
        if (!content.StartsWith(MarkerPrefix, StringComparison.Ordinal))
        {
            // A ref lock: ours only if made right after our record, and empty or holding exactly the id we recorded.
            var record = RecordPath(stateDir, lockPath);
            var lines = File.Exists(record) ? File.ReadAllLines(record, Encoding.ASCII) : [];
            if (lines.Length != 2 || (content.Trim().Length > 0 && content.Trim() != lines[1])
                || (File.GetLastWriteTimeUtc(lockPath) - File.GetLastWriteTimeUtc(record)).Duration() > TimeSpan.FromSeconds(1))
            {
                return null;
            }

            owner = lines[0];
        }

        if (ParseOwner(owner) is not { } pid)
        {
            return null;
        }

        File.Delete(lockPath);
        File.Delete(RecordPath(stateDir, lockPath));
        return pid;
    }

    // The pid of a dead owner; null when the marker is malformed or names a live process.
    private static int? ParseOwner(string marker)
    {
        var parts = marker.Trim()[MarkerPrefix.Length..].Split(' ');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var started) && !IsRunning(pid, started)
            ? pid
            : null;
    }

    // Kept under .git/thermocline, never beside a ref lock: git would read a stray file in refs/ as a broken ref.
    private static string RecordPath(string stateDir, string lockPath) => Path.Combine(
        LocksDirectory(stateDir), Path.GetRelativePath(Path.GetDirectoryName(stateDir)!, lockPath).Replace(Path.DirectorySeparatorChar, '!') + ".owner");

    private static bool IsRunning(int pid, long startedTicks)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            // A recycled pid belongs to a process that started at another time.
            return !process.HasExited && Math.Abs(process.StartTime.ToUniversalTime().Ticks - startedTicks) < TimeSpan.TicksPerSecond;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
