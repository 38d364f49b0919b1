using Microsoft.Extensions.Logging;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Brings the working-tree task list up to date after a commit without losing a person's edits: a copy equal
/// to the old HEAD is replaced (temp file + rename); an edited copy gets the same surgical edit; a copy that
/// does not parse, is missing, or was edited at the very line we change is left alone with a warning.
/// </summary>
internal static class WorkingTreeSync
{
    private const int Attempts = 3;

    public static WorkingTreeUpdate Apply(string fullPath, string displayPath, byte[] oldBytes, byte[] newBytes, Reapply reapply, ILogger logger)
    {
        for (var attempt = 1; ; attempt++)
        {
            var info = new FileInfo(fullPath);
            if (!info.Exists)
            {
                ColdStoreLog.WorkingTreeLeftAlone(logger, displayPath, "it is missing (deleted by a person?)");
                return WorkingTreeUpdate.LeftAlone;
            }

            if (info.LinkTarget is not null)
            {
                ColdStoreLog.WorkingTreeLeftAlone(logger, displayPath, "it is a symbolic link");
                return WorkingTreeUpdate.LeftAlone;
            }

            var stamp = (info.Length, info.LastWriteTimeUtc);
            var current = File.ReadAllBytes(fullPath);
            if (current.AsSpan().SequenceEqual(newBytes))
            {
                return WorkingTreeUpdate.Unchanged;
            }

            byte[] target;
            WorkingTreeUpdate outcome;
            if (current.AsSpan().SequenceEqual(oldBytes))
            {
                target = newBytes;
                outcome = WorkingTreeUpdate.Replaced;
            }
            else
            {
                var parsed = TaskList.Parse(current);
                if (parsed.HasErrors)
                {
                    ColdStoreLog.WorkingTreeLeftAlone(logger, displayPath, "it has uncommitted edits and does not parse: " + parsed.DescribeErrors(displayPath));
                    return WorkingTreeUpdate.LeftAlone;
                }

                var (merged, whyNot) = reapply(parsed);
                if (merged is null)
                {
                    ColdStoreLog.WorkingTreeLeftAlone(logger, displayPath, whyNot ?? "the edit does not apply to it");
                    return WorkingTreeUpdate.LeftAlone;
                }

                target = merged.ToBytes();
                if (target.AsSpan().SequenceEqual(current))
                {
                    return WorkingTreeUpdate.Unchanged;
                }

                outcome = WorkingTreeUpdate.Merged;
            }

            if (ReplaceAtomically(fullPath, target, info, stamp))
            {
                if (outcome == WorkingTreeUpdate.Merged)
                {
                    ColdStoreLog.WorkingTreeMerged(logger, displayPath);
                }

                return outcome;
            }

            if (attempt == Attempts)
            {
                ColdStoreLog.WorkingTreeLeftAlone(logger, displayPath, "a person keeps saving it while we update it");
                return WorkingTreeUpdate.LeftAlone;
            }
        }
    }

    /// <summary>
    /// Writes a temp file beside the target (same directory, so rename is atomic), keeps the file's mode, and
    /// renames it over the target unless the target changed since it was read (then false: read again).
    /// A save landing between that check and the rename is the one window left; it is microseconds wide.
    /// </summary>
    private static bool ReplaceAtomically(string fullPath, byte[] content, FileInfo original, (long Length, DateTime Mtime) stamp)
    {
        var dir = Path.GetDirectoryName(fullPath)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(fullPath)}.thermocline-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(content);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, original.UnixFileMode);
            }

            original.Refresh();
            if (!original.Exists || original.Length != stamp.Length || original.LastWriteTimeUtc != stamp.Mtime)
            {
                return false;
            }

            File.Move(temp, fullPath, overwrite: true);
            return true;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
