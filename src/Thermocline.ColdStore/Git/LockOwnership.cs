using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Tells a lock file this hub left behind when it was killed from every other lock. Other people's locks are theirs:
/// a git waiting in an editor holds <c>index.lock</c> with no descriptor open, so "nobody has it open" proves nothing.
/// A lock is removed only when it is provably ours and its owner provably dead:
/// <list type="bullet">
/// <item>our <c>index.lock</c> holds our marker (pid and start time), written right after the exclusive create;</item>
/// <item>a ref lock is created by libgit2, empty until it writes the new commit id.</item>
/// </list>
/// Just before creating a lock (or asking libgit2 to) we record our marker and what the lock will hold under
/// <c>thermocline/locks</c>, so a lock created within a second of our record, empty or holding exactly that, is ours
/// too — git's own locks are never empty for longer than a moment. Records whose lock is gone are swept at open.
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
    /// Creates <paramref name="lockPath"/> exclusively, as git does, with our marker inside: true when it is ours now, false
    /// when something has that name. Between creating it and writing the marker it is empty for a moment; the record
    /// written just before covers that moment (see <see cref="RemoveIfOursAndDead"/>).
    /// </summary>
    public static bool TryCreateMarked(string stateDir, string lockPath)
    {
        if (File.Exists(lockPath))
        {
            return false; // and never replace the record of a lock that exists: it may be a dead hub's
        }

        RecordLock(stateDir, lockPath, "");
        try
        {
            using var stream = new FileStream(lockPath, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
            stream.Write(Encoding.ASCII.GetBytes(Marker));
            return true;
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            ForgetLock(stateDir, lockPath);
            return false;
        }
    }

    /// <summary>Removes a lock of ours (the file, then its record).</summary>
    public static void Release(string stateDir, string lockPath)
    {
        File.Delete(lockPath);
        ForgetLock(stateDir, lockPath);
    }

    /// <summary>
    /// Records that we are about to create <paramref name="lockPath"/> (or ask libgit2 to) and write <paramref name="content"/>
    /// into it: a ref lock holds the new commit id; our index.lock holds our marker, written right after creating it.
    /// </summary>
    public static void RecordLock(string stateDir, string lockPath, string content)
    {
        var record = RecordPath(stateDir, lockPath);
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        File.WriteAllText(record, Marker + content + "\n", Encoding.ASCII);
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
            // Gone with its lock: the owner is dead, or the record is half-written (killed while writing it, so before the
            // lock was ever taken). A live owner's record stays.
            var owner = File.ReadAllText(record, Encoding.ASCII).Split('\n')[0];
            if (!File.Exists(lockPath) && (!IsMarker(owner) || ParseOwner(owner) is not null))
            {
                File.Delete(record);
            }
        }
    }

    /// <summary>Forgets the record once the ref update is over (whatever its outcome).</summary>
    public static void ForgetLock(string stateDir, string lockPath)
    {
        try
        {
            File.Delete(RecordPath(stateDir, lockPath));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

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
            // Not our marker: ours only if made right after our record, and empty or holding exactly what we recorded.
            var record = RecordPath(stateDir, lockPath);
            var lines = File.Exists(record) ? File.ReadAllLines(record, Encoding.ASCII) : [];
            if (lines.Length is < 1 or > 2 || (content.Trim().Length > 0 && content.Trim() != (lines.Length == 2 ? lines[1] : ""))
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
        ForgetLock(stateDir, lockPath);
        return pid;
    }

    // The pid of a dead owner; null when the marker is malformed (a write cut short by a kill) or names a live process.
    private static int? ParseOwner(string marker)
    {
        if (!IsMarker(marker))
        {
            return null;
        }

        var parts = marker.Trim()[MarkerPrefix.Length..].Split(' ');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var started) && !IsRunning(pid, started)
            ? pid
            : null;
    }

    private static bool IsMarker(string text) => text.Trim().StartsWith(MarkerPrefix, StringComparison.Ordinal);

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
