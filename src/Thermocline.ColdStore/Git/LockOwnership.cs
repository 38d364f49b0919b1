using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Thermocline.ColdStore.Native;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Lets a lock file that a killed process left behind (<c>index.lock</c>, <c>refs/heads/main.lock</c>) be told apart
/// from one a live git holds. Before creating a lock we write an intention beside it naming this process (pid and
/// start time), and remove it after the lock is gone; our own <c>index.lock</c> also carries that marker. A lock is
/// left by a crash when the marker or intention names a process that no longer runs: only then is it removed.
/// </summary>
internal static class LockOwnership
{
    private const string MarkerPrefix = "thermocline-lock pid=";

    // This process's start time never changes; reading it costs a /proc read, so once per process is enough.
    private static readonly Lazy<byte[]> OwnMarker = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{MarkerPrefix}{Environment.ProcessId} {self.StartTime.ToUniversalTime().Ticks}\n"));
    });

    // Per repository, this process's owner file: the marker, written once, then given the name of each intention (and
    // of our index.lock) by a hard link — atomic, and far cheaper than creating a file on some file systems.
    private static readonly ConcurrentDictionary<string, string> OwnerFiles = new(StringComparer.Ordinal);

    /// <summary>The marker naming this process.</summary>
    public static byte[] Marker() => OwnMarker.Value;

    /// <summary>Records that this process is about to create <paramref name="lockPath"/> (a file under <paramref name="gitDir"/>).</summary>
    public static void Intend(string gitDir, string lockPath)
    {
        var intention = IntentionPath(gitDir, lockPath);
        if (OwnerFile(gitDir) is { } owner)
        {
            switch (HardLink.Create(owner, intention))
            {
                case HardLink.Outcome.Created:
                    return;
                case HardLink.Outcome.NameTaken:
                    File.Delete(intention); // a stale record (its lock is gone, or we would not be here)
                    if (HardLink.TryCreate(owner, intention))
                    {
                        return;
                    }

                    break;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(intention)!);
        File.WriteAllBytes(intention, Marker());
    }

    /// <summary>
    /// Creates <paramref name="lockPath"/> holding this process's marker, atomically, if nothing has that name: true when
    /// it is ours now, false when it is held; null when that cannot be done by a hard link here (create it instead).
    /// </summary>
    public static bool? TryLinkLock(string gitDir, string lockPath)
    {
        if (OwnerFile(gitDir) is not { } owner)
        {
            return null;
        }

        return HardLink.Create(owner, lockPath) switch
        {
            HardLink.Outcome.Created => true,
            HardLink.Outcome.NameTaken => false,
            _ => null,
        };
    }

    /// <summary>Removes owner files of processes that are gone (left by a crash); cheap, run when a store opens.</summary>
    public static void SweepOwnerFiles(string gitDir)
    {
        var dir = LocksDirectory(gitDir);
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(dir, OwnerFilePrefix + "*"))
        {
            var parts = Path.GetFileName(file)[OwnerFilePrefix.Length..].Split('-');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var started) && !IsRunning(pid, started))
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

    private const string OwnerFilePrefix = "process-";

    private static string? OwnerFile(string gitDir)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        if (OwnerFiles.TryGetValue(gitDir, out var known) && File.Exists(known))
        {
            return known;
        }

        try
        {
            var marker = Marker();
            var started = Encoding.ASCII.GetString(marker).Trim().Split(' ')[^1];
            var path = Path.Combine(LocksDirectory(gitDir), $"{OwnerFilePrefix}{Environment.ProcessId}-{started}");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            File.WriteAllBytes(temp, marker);
            File.Move(temp, path, overwrite: true);
            OwnerFiles[gitDir] = path;
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string LocksDirectory(string gitDir) => Path.Combine(gitDir, "thermocline", "locks");

    /// <summary>Removes the intention once the lock is released.</summary>
    public static void Release(string gitDir, string lockPath)
    {
        try
        {
            File.Delete(IntentionPath(gitDir, lockPath));
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Removes <paramref name="lockPath"/> when its marker, or else our intention beside it, names a process that is
    /// gone, or (Linux) when nothing has it open any more; returns that process id (0 when only the latter is known), or
    /// null when the lock may belong to someone alive (then leave it alone).
    /// </summary>
    public static int? RemoveIfCrashed(string gitDir, string lockPath, DateTimeOffset now)
    {
        string text;
        try
        {
            text = File.ReadAllText(lockPath, Encoding.ASCII);
            if (!text.StartsWith(MarkerPrefix, StringComparison.Ordinal))
            {
                // Not our marker (empty, or a ref lock holding the new id): ours only if our intention says so.
                var intention = IntentionPath(gitDir, lockPath);
                text = File.Exists(intention) ? File.ReadAllText(intention, Encoding.ASCII) : "";
            }
        }
        catch (IOException)
        {
            return null;
        }

        if (!text.StartsWith(MarkerPrefix, StringComparison.Ordinal))
        {
            return RemoveIfOrphaned(gitDir, lockPath, now);
        }

        var parts = text[MarkerPrefix.Length..].Trim().Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var started)
            || IsRunning(pid, started))
        {
            return null;
        }

        try
        {
            File.Delete(lockPath);
            Release(gitDir, lockPath);
        }
        catch (IOException)
        {
            return null;
        }

        return pid;
    }

    /// <summary>
    /// The last resort, Linux only: a lock file that has existed for a while and that no process has open was left by
    /// a process that died (git and libgit2 keep a lock open until they rename it into place). Only when every
    /// process's descriptors can be read (as root, or with no other users' processes) is that conclusive.
    /// </summary>
    private static int? RemoveIfOrphaned(string gitDir, string lockPath, DateTimeOffset now)
    {
        try
        {
            if (!OperatingSystem.IsLinux() || now.UtcDateTime - File.GetLastWriteTimeUtc(lockPath) < OrphanAge || IsOpenByAnyProcess(lockPath))
            {
                return null;
            }

            File.Delete(lockPath);
            Release(gitDir, lockPath);
            return 0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static readonly TimeSpan OrphanAge = TimeSpan.FromSeconds(2);

    private static bool IsOpenByAnyProcess(string path)
    {
        var full = Path.GetFullPath(path);
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget == full)
                    {
                        return true;
                    }
                }
            }
            catch (UnauthorizedAccessException)
            {
                return true; // another user's process we cannot look into: it might hold the lock
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return false;
    }

    // Kept under .git/thermocline, never beside a ref lock: git would read a stray file in refs/ as a broken ref.
    private static string IntentionPath(string gitDir, string lockPath) => Path.Combine(
        LocksDirectory(gitDir), Path.GetRelativePath(gitDir, lockPath).Replace(Path.DirectorySeparatorChar, '!') + ".owner");

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
}
