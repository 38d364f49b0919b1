using Microsoft.Extensions.Logging;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Brings the working-tree task list up to date after a commit without losing a person's edits: a copy equal
/// to the old HEAD is replaced (temp file + rename); an edited copy gets the same surgical edit; a copy that
/// does not parse, is missing, or was edited at the very line we change is left alone with a warning.
/// The new file can be written ahead (<see cref="Prepare"/>, while git writes the commit) and put in place once
/// the commit is in (<see cref="PreparedWorkingTree.Complete"/>); until then nothing a person sees has changed.
/// </summary>
internal static class WorkingTreeSync
{
    private const int Attempts = 3;

    /// <summary>Prepares and completes at once.</summary>
    public static WorkingTreeUpdate Apply(string fullPath, string displayPath, byte[] oldBytes, byte[] newBytes, Reapply reapply, ILogger logger)
    {
        using var prepared = Prepare(fullPath, displayPath, oldBytes, newBytes, reapply, logger, null);
        return prepared.Complete();
    }

    /// <summary>
    /// Reads the working-tree copy and decides what the commit will do to it; when it is to change, writes the new
    /// content to a temp file beside it. Nothing visible changes. With <paramref name="retired"/>, the old file is
    /// kept there until later, so replacing it is quick; with null it is replaced outright.
    /// </summary>
    public static PreparedWorkingTree Prepare(string fullPath, string displayPath, byte[] oldBytes, byte[] newBytes, Reapply reapply, ILogger logger, RetiredFiles? retired)
    {
        return Decide(new Request(fullPath, displayPath, oldBytes, newBytes, reapply, logger, retired));
    }

    private static PreparedWorkingTree Decide(Request r)
    {
        var info = new FileInfo(r.FullPath);
        if (!info.Exists)
        {
            return PreparedWorkingTree.Done(WorkingTreeUpdate.LeftAlone, () => ColdStoreLog.WorkingTreeLeftAlone(r.Logger, r.DisplayPath, "it is missing (deleted by a person?)"));
        }

        if (info.LinkTarget is not null)
        {
            return PreparedWorkingTree.Done(WorkingTreeUpdate.LeftAlone, () => ColdStoreLog.WorkingTreeLeftAlone(r.Logger, r.DisplayPath, "it is a symbolic link"));
        }

        var stamp = new Stamp(info.Length, info.LastWriteTimeUtc);
        var current = File.ReadAllBytes(r.FullPath);
        if (current.AsSpan().SequenceEqual(r.NewBytes))
        {
            return PreparedWorkingTree.Done(WorkingTreeUpdate.Unchanged);
        }

        byte[] target;
        WorkingTreeUpdate outcome;
        if (current.AsSpan().SequenceEqual(r.OldBytes))
        {
            target = r.NewBytes;
            outcome = WorkingTreeUpdate.Replaced;
        }
        else
        {
            var parsed = TaskList.Parse(current);
            if (parsed.HasErrors)
            {
                var why = "it has uncommitted edits and does not parse: " + parsed.DescribeErrors(r.DisplayPath);
                return PreparedWorkingTree.Done(WorkingTreeUpdate.LeftAlone, () => ColdStoreLog.WorkingTreeLeftAlone(r.Logger, r.DisplayPath, why));
            }

            var (merged, whyNot) = r.Reapply(parsed);
            if (merged is null)
            {
                return PreparedWorkingTree.Done(WorkingTreeUpdate.LeftAlone, () => ColdStoreLog.WorkingTreeLeftAlone(r.Logger, r.DisplayPath, whyNot ?? "the edit does not apply to it"));
            }

            target = merged.ToBytes();
            if (target.AsSpan().SequenceEqual(current))
            {
                return PreparedWorkingTree.Done(WorkingTreeUpdate.Unchanged);
            }

            outcome = WorkingTreeUpdate.Merged;
        }

        var temp = WriteTemp(r.FullPath, target, info.UnixFileMode);
        return new PreparedWorkingTree(r, outcome, temp, stamp);
    }

    /// <summary>Writes a temp file beside the target (same directory, so the rename is atomic) with the target's mode.</summary>
    private static string WriteTemp(string fullPath, byte[] content, UnixFileMode mode)
    {
        var temp = TempName(fullPath);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(content);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, mode);
            }

            return temp;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>A hidden name beside <paramref name="fullPath"/> that start-up recovery knows as a leftover of this process.</summary>
    private static string TempName(string fullPath) => Path.Combine(
        Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.thermocline-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");

    /// <summary>Size and modification time of the copy when it was read: a save since then changes one of them.</summary>
    internal readonly record struct Stamp(long Length, DateTime LastWriteUtc);

    /// <summary>What <see cref="Prepare(string, string, byte[], byte[], Reapply, ILogger, RetiredFiles?)"/> was asked, kept to do it again.</summary>
    internal sealed record Request(string FullPath, string DisplayPath, byte[] OldBytes, byte[] NewBytes, Reapply Reapply, ILogger Logger, RetiredFiles? Retired);

    /// <summary>
    /// A working-tree update decided and written ahead. <see cref="Complete"/> renames the temp file over the copy
    /// unless the copy changed since it was read (then it reads and decides again, up to three times);
    /// <see cref="Dispose"/> removes a temp file that was not used.
    /// </summary>
    internal sealed class PreparedWorkingTree : IDisposable
    {
        private readonly Request? _request;
        private readonly WorkingTreeUpdate _outcome;
        private readonly Action? _onComplete;
        private readonly Stamp _stamp;
        private string? _temp;

        internal PreparedWorkingTree(Request request, WorkingTreeUpdate outcome, string temp, Stamp stamp)
        {
            _request = request;
            _outcome = outcome;
            _temp = temp;
            _stamp = stamp;
        }

        private PreparedWorkingTree(WorkingTreeUpdate outcome, Action? onComplete)
        {
            _outcome = outcome;
            _onComplete = onComplete;
        }

        /// <summary>An outcome that needs no file written (unchanged, or left alone; the warning is logged on completion).</summary>
        internal static PreparedWorkingTree Done(WorkingTreeUpdate outcome, Action? onComplete = null) => new(outcome, onComplete);

        /// <summary>Puts the prepared content in place; returns what happened to the copy.</summary>
        public WorkingTreeUpdate Complete()
        {
            if (_temp is null || _request is null)
            {
                _onComplete?.Invoke();
                return _outcome;
            }

            var r = _request;
            if (TryReplace(r.FullPath, _stamp))
            {
                if (_outcome == WorkingTreeUpdate.Merged)
                {
                    ColdStoreLog.WorkingTreeMerged(r.Logger, r.DisplayPath);
                }

                return _outcome;
            }

            // A person saved it after it was read: read it again and redo the decision (their save is kept).
            for (var attempt = 2; attempt <= Attempts; attempt++)
            {
                using var again = Decide(r);
                if (again._temp is null)
                {
                    return again.Complete();
                }

                if (again.TryReplace(r.FullPath, again._stamp))
                {
                    if (again._outcome == WorkingTreeUpdate.Merged)
                    {
                        ColdStoreLog.WorkingTreeMerged(r.Logger, r.DisplayPath);
                    }

                    return again._outcome;
                }
            }

            ColdStoreLog.WorkingTreeLeftAlone(r.Logger, r.DisplayPath, "a person keeps saving it while we update it");
            return WorkingTreeUpdate.LeftAlone;
        }

        /// <summary>
        /// Renames the temp file over the copy unless the copy changed since it was read. A save landing between that
        /// check and the rename is the one window left; it is microseconds wide.
        /// </summary>
        private bool TryReplace(string fullPath, Stamp stamp)
        {
            var info = new FileInfo(fullPath);
            if (!info.Exists || info.Length != stamp.Length || info.LastWriteTimeUtc != stamp.LastWriteUtc)
            {
                return false;
            }

            _request!.Retired?.Retire(fullPath);
            File.Move(_temp!, fullPath, overwrite: true);
            _temp = null;
            return true;
        }

        public void Dispose()
        {
            if (_temp is not null && File.Exists(_temp))
            {
                File.Delete(_temp);
            }

            _temp = null;
        }
    }
}
