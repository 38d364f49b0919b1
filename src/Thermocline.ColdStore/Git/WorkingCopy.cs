using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// The working-tree file and the index entry of the task list, brought in step with a commit in two halves. Prepared
/// before the branch moves: the new file is written beside the real one and the edited index beside the real index,
/// so a full disk or an unwritable folder refuses the commit while nothing has changed. Put in place by rename once
/// the branch has moved. A person's edits are never lost: an edited copy gets the same surgical edit; a copy that
/// does not parse yet (a half-finished edit) is left alone and the edit is owed to it (<see cref="OwedEdits"/>).
/// </summary>
internal sealed class WorkingCopy : IDisposable
{
    private const int Attempts = 3;

    private readonly Request _request;
    private Side<WorkingTreeUpdate> _tree;
    private Side<IndexUpdate> _index;

    private WorkingCopy(Request request, Side<WorkingTreeUpdate> tree, Side<IndexUpdate> index)
    {
        _request = request;
        _tree = tree;
        _index = index;
    }

    /// <summary>What a commit asks of the copies.</summary>
    /// <param name="FullPath">The working-tree file.</param>
    /// <param name="GitDir">This worktree's git directory (its index).</param>
    /// <param name="Path">The task list's path in the repository.</param>
    /// <param name="Old">The task list at the commit's parent.</param>
    /// <param name="New">The task list the commit writes.</param>
    /// <param name="Reapply">The commit's edit (and any owed ones), for a copy a person changed.</param>
    internal sealed record Request(string FullPath, string GitDir, string Path, TaskListSnapshot Old, TaskListSnapshot New, Reapply Reapply)
    {
        /// <summary>The working tree the file is in.</summary>
        public string WorkDir => FullPath[..^Path.Length];
    }

    /// <summary>One copy's outcome, and the temp file that will replace it.</summary>
    private readonly record struct Side<T>(T Outcome, string? Temp, bool Owes, string? Why, (long Length, DateTime Written) Stamp = default)
        where T : struct, Enum;

    /// <summary>What becomes of a copy: the new list, the edit applied to it, nothing to do, or left alone.</summary>
    private enum Verdict
    {
        Replace,
        Merge,
        Same,
        Leave,
    }

    /// <summary>Decides both copies and writes what will replace them. Throws on an I/O failure (nothing changed then).</summary>
    public static WorkingCopy Prepare(Request request)
    {
        var tree = DecideTree(request);
        try
        {
            return new WorkingCopy(request, tree, DecideIndex(request));
        }
        catch
        {
            Delete(tree.Temp);
            throw;
        }
    }

    /// <summary>Why the prepared update leaves the working tree or the index as it is, or null when both take it.</summary>
    public string? LeavesAlone =>
        _tree.Outcome == WorkingTreeUpdate.LeftAlone ? "the working tree: " + (_tree.Why ?? "left alone")
        : _index.Outcome == IndexUpdate.LeftAlone ? "the index: " + (_index.Why ?? "left alone")
        : null;

    /// <summary>The working-tree file's modification time and length, once <see cref="Complete"/> replaced it.</summary>
    public (DateTime At, long Length)? TreeWritten { get; private set; }

    /// <summary>Puts the prepared copies in place (the branch has moved). Never throws for I/O: a copy that could not be replaced owes the edit.</summary>
    /// <remarks>
    /// <paramref name="stillInStep"/> looks at the checkout once more just before: git moves HEAD without the index lock
    /// (<c>git switch -c</c> takes no other lock), so a person may have left the branch since the commit started; then
    /// the copies are theirs and left as they are.
    /// </remarks>
    public (WorkingTreeUpdate Tree, IndexUpdate Index, bool Owes) Complete(ILogger logger, Func<bool> stillInStep)
    {
        if (!stillInStep())
        {
            Dispose();
            _tree = new(WorkingTreeUpdate.LeftAlone, null, false, "the person left the branch while the hub committed");
            _index = new(IndexUpdate.LeftAlone, null, false, null);
        }

        var tree = CompleteTree(logger);
        var index = CompleteIndex(logger);
        return (tree, index, _tree.Owes || _index.Owes);
    }

    /// <summary>Removes temp files that were not used (the commit did not happen, or after completion).</summary>
    public void Dispose()
    {
        Delete(_tree.Temp);
        Delete(_index.Temp);
        _tree = _tree with { Temp = null };
        _index = _index with { Temp = null };
    }

    private static Side<WorkingTreeUpdate> DecideTree(Request r)
    {
        var info = new FileInfo(r.FullPath);
        if (!info.Exists || info.LinkTarget is not null)
        {
            return new(WorkingTreeUpdate.LeftAlone, null, false, info.Exists ? "it is a symbolic link" : "it is missing (deleted by a person?)");
        }

        var stamp = (info.Length, info.LastWriteTimeUtc);
        var current = File.ReadAllBytes(r.FullPath);
        if (current.AsSpan().SequenceEqual(r.New.Bytes))
        {
            return new(WorkingTreeUpdate.Unchanged, null, false, null);
        }

        var (target, verdict, owes, why) = Merge(current, r);
        var outcome = verdict switch
        {
            Verdict.Replace => WorkingTreeUpdate.Replaced,
            Verdict.Merge => WorkingTreeUpdate.Merged,
            Verdict.Same => WorkingTreeUpdate.Unchanged,
            _ => WorkingTreeUpdate.LeftAlone,
        };
        if (target is null)
        {
            return new(outcome, null, owes, why);
        }

        var temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(r.FullPath)!, $".{System.IO.Path.GetFileName(r.FullPath)}.thermocline-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(target);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, info.UnixFileMode);
            }
        }
        catch
        {
            Delete(temp);
            throw;
        }

        return new(outcome, temp, owes, null, stamp);
    }

    // The bytes a copy should hold after the commit: the new list when it is the old one, else the edit applied to it.
    private static (byte[]? Target, Verdict Verdict, bool Owes, string? Why) Merge(ReadOnlySpan<byte> current, Request r)
    {
        if (current.SequenceEqual(r.Old.Bytes))
        {
            return (r.New.Bytes, Verdict.Replace, false, null);
        }

        var parsed = TaskList.Parse(current);
        if (parsed.HasErrors)
        {
            return (null, Verdict.Leave, true, "it has uncommitted edits that do not parse yet; the edit is applied once they do: " + parsed.DescribeErrors(r.Path));
        }

        var (list, whyNot, owed) = r.Reapply(parsed);
        if (list is null)
        {
            return (null, Verdict.Leave, owed, whyNot);
        }

        var bytes = list.ToBytes();
        return current.SequenceEqual(bytes) ? (null, Verdict.Same, owed, null) : (bytes, Verdict.Merge, owed, null);
    }

    private static Side<IndexUpdate> DecideIndex(Request r)
    {
        var indexPath = System.IO.Path.Combine(r.GitDir, "index");
        if (!File.Exists(indexPath))
        {
            return new(IndexUpdate.Unchanged, null, false, null);
        }

        // libgit2 writes an index through "<file>.lock", which for the real index is the lock we hold: the edit is made
        // on a private copy that replaces the index by rename.
        var copy = System.IO.Path.Combine(r.GitDir, $"thermocline-index-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        File.Copy(indexPath, copy);
        try
        {
            using var repo = new Repository(r.GitDir, new RepositoryOptions { IndexPath = copy });
            var side = EditIndex(repo, r);
            if (side.Temp is null)
            {
                Delete(copy);
                return side;
            }

            return side with { Temp = copy };
        }
        catch
        {
            Delete(copy);
            throw;
        }
    }

    private static Side<IndexUpdate> EditIndex(Repository repo, Request r)
    {
        var index = repo.Index;
        if (index.Conflicts[r.Path] is not null)
        {
            return new(IndexUpdate.LeftAlone, null, false, "it is in a merge conflict");
        }

        if (index[r.Path] is not { } entry)
        {
            return new(IndexUpdate.LeftAlone, null, false, "it is not in the index (a staged deletion?)");
        }

        if (entry.Id == r.New.BlobId)
        {
            return new(IndexUpdate.Unchanged, null, false, null);
        }

        var outcome = IndexUpdate.Updated;
        var owesStaged = false;
        if (entry.Id == r.Old.BlobId)
        {
            index.Add(repo.Lookup<Blob>(r.New.BlobId), r.Path, r.New.Mode);
        }
        else
        {
            // A person's staged change: it gets the same edit and stays staged, so committing it does not undo the commit.
            var staged = repo.Lookup<Blob>(entry.Id);
            var bytes = new byte[staged.Size];
            using (var stream = staged.GetContentStream())
            {
                stream.ReadExactly(bytes);
            }

            var (target, verdict, owes, why) = Merge(bytes, r);
            if (target is null)
            {
                return new(verdict == Verdict.Same ? IndexUpdate.Unchanged : IndexUpdate.LeftAlone, null, owes, why is null ? null : "the staged version: " + why);
            }

            index.Add(repo.ObjectDatabase.CreateBlob(new MemoryStream(target, writable: false)), r.Path, entry.Mode);
            outcome = IndexUpdate.MergedStaged;
            owesStaged = owes;
        }

        index.Write();
        return new(outcome, "(copy)", owesStaged, null);
    }

    private WorkingTreeUpdate CompleteTree(ILogger logger)
    {
        for (var attempt = 1; ; attempt++)
        {
            var side = _tree;
            try
            {
                if (side.Temp is null)
                {
                    break;
                }

                // A person saved it after it was read: read it again and decide again (their save is kept).
                var info = new FileInfo(_request.FullPath);
                if (info.Exists && (info.Length, info.LastWriteTimeUtc) == side.Stamp)
                {
                    var written = new FileInfo(side.Temp);
                    var stamp = (written.LastWriteTimeUtc, written.Length);
                    File.Move(side.Temp, _request.FullPath, overwrite: true);
                    TreeWritten = stamp;
                    _tree = side with { Temp = null };
                    break;
                }

                Delete(side.Temp);
                _tree = attempt < Attempts ? DecideTree(_request) : new(WorkingTreeUpdate.LeftAlone, null, true, "a person keeps saving it while the hub updates it");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Delete(side.Temp);
                _tree = new(WorkingTreeUpdate.LeftAlone, null, true, "it could not be written: " + e.Message);
            }
        }

        if (_tree.Why is { } why)
        {
            ColdStoreLog.WorkingTreeLeftAlone(logger, _request.Path, why);
        }

        return _tree.Outcome;
    }

    private IndexUpdate CompleteIndex(ILogger logger)
    {
        if (_index.Temp is { } copy)
        {
            try
            {
                TakeTheFilesStat(copy, logger);
                File.Move(copy, System.IO.Path.Combine(_request.GitDir, "index"), overwrite: true);
                _index = _index with { Temp = null };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Delete(copy);
                _index = new(IndexUpdate.LeftAlone, null, true, "it could not be written: " + e.Message);
            }
        }

        if (_index.Why is { } why)
        {
            ColdStoreLog.IndexLeftAlone(logger, _request.Path, why);
        }

        return _index.Outcome;
    }

    // The entry was staged from a blob, which leaves its file stat zero: until something refreshes the index, git takes
    // the file for changed, and commands that do not refresh first refuse ("git merge --abort": "Entry '…' not
    // uptodate. Cannot merge"). When the working-tree file now holds exactly the staged content (read after it was
    // renamed into place, which changes its ctime), the entry takes the file's stat, as "git add" would give it. Any
    // other content, a person's save in between included, keeps the entry as staged: git then hashes the file, as
    // it must. A failure here costs only that refresh, never the index update.
    private void TakeTheFilesStat(string copy, ILogger logger)
    {
        if (_tree.Outcome is WorkingTreeUpdate.LeftAlone)
        {
            return;
        }

        try
        {
            using var repo = new Repository(_request.GitDir, new RepositoryOptions { IndexPath = copy, WorkingDirectoryPath = _request.WorkDir });
            var staged = repo.Index[_request.Path]?.Id;
            repo.Index.Add(_request.Path);
            if (staged is not null && repo.Index[_request.Path]?.Id == staged)
            {
                repo.Index.Write();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibGit2SharpException)
        {
            ColdStoreLog.IndexStatNotTaken(logger, _request.Path, e.Message);
        }
    }

    private static void Delete(string? path)
    {
        if (path is not null)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A leftover temp file: start-up recovery removes those of processes that are gone.
            }
        }
    }
}
