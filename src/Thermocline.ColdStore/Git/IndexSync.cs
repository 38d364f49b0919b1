using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Thermocline.ColdStore.Native;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Updates the index entry of the task list after a commit, while <see cref="IndexLock"/> is held. The rule
/// (see <see cref="IndexUpdate"/>): old HEAD blob → new blob (status stays clean); a person's staged
/// version → the same surgical edit applied to it (their change stays staged, the milestone is not undone
/// when they commit it); no entry, a conflict or an unparseable staged version → left alone. Nothing else in
/// the index is touched: an edited copy of the index replaces the real one by rename. The copy can be made
/// ahead (<see cref="Prepare"/>, while git writes the commit) and put in place once the commit is in.
/// </summary>
internal static class IndexSync
{
    /// <summary>Prepares and completes at once.</summary>
    public static IndexUpdate Apply(string gitDir, string path, TaskListSnapshot old, TaskListSnapshot updated, Reapply reapply, ILogger logger)
    {
        using var prepared = Prepare(gitDir, path, old, updated, reapply, logger, null);
        return prepared.Complete();
    }

    /// <summary>
    /// Writes the edited copy of the index beside it (nothing visible changes). A staged version that gets the edit
    /// has its new blob written to the object database, unreferenced until the copy is put in place. With
    /// <paramref name="retired"/>, the old index is kept there until later, so replacing it is quick.
    /// </summary>
    public static PreparedIndex Prepare(string gitDir, string path, TaskListSnapshot old, TaskListSnapshot updated, Reapply reapply, ILogger logger, RetiredFiles? retired)
    {
        var indexPath = Path.Combine(gitDir, "index");
        if (!File.Exists(indexPath))
        {
            return new PreparedIndex(indexPath, null, IndexUpdate.Unchanged, null, null);
        }

        // libgit2 writes an index through "<file>.lock", which for the real index is the lock we hold, so
        // the edit is made on a private copy that then replaces the index atomically.
        var copy = Path.Combine(gitDir, $"thermocline-index-{Environment.ProcessId}.tmp");
        var keep = false;
        try
        {
            File.Copy(indexPath, copy, overwrite: true);
            var outcome = FastPath(copy, path, old, updated);
            Action? log = null;
            if (outcome is null)
            {
                using var repo = new Repository(gitDir, new RepositoryOptions { IndexPath = copy });
                (outcome, log) = Edit(repo, path, old, updated, reapply, logger);
            }

            keep = outcome is IndexUpdate.Updated or IndexUpdate.MergedStaged;
            return new PreparedIndex(indexPath, keep ? copy : null, outcome.Value, log, retired);
        }
        finally
        {
            if (!keep && File.Exists(copy))
            {
                File.Delete(copy);
            }
        }
    }

    /// <summary>The usual cases without opening a repository or reading a blob; null for the rest.</summary>
    private static IndexUpdate? FastPath(string indexFile, string path, TaskListSnapshot old, TaskListSnapshot updated)
    {
        using var index = NativeIndex.Open(indexFile);
        var id = index.IdOf(path);
        if (id == updated.BlobId)
        {
            return IndexUpdate.Unchanged;
        }

        if (id != old.BlobId || old.Mode != updated.Mode)
        {
            return null;
        }

        index.Repoint(path, updated.BlobId);
        index.Write();
        return IndexUpdate.Updated;
    }

    private static (IndexUpdate, Action?) Edit(Repository repo, string path, TaskListSnapshot old, TaskListSnapshot updated, Reapply reapply, ILogger logger)
    {
        var index = repo.Index;
        if (index.Conflicts[path] is not null)
        {
            return (IndexUpdate.LeftAlone, () => ColdStoreLog.IndexLeftAlone(logger, path, "it is in a merge conflict"));
        }

        var entry = index[path];
        if (entry is null)
        {
            return (IndexUpdate.LeftAlone, () => ColdStoreLog.IndexLeftAlone(logger, path, "it is not in the index (a staged deletion?)"));
        }

        if (entry.Id == updated.BlobId)
        {
            return (IndexUpdate.Unchanged, null);
        }

        if (entry.Id == old.BlobId)
        {
            index.Add(repo.Lookup<Blob>(updated.BlobId), path, updated.Mode);
            index.Write();
            return (IndexUpdate.Updated, null);
        }

        var staged = repo.Lookup<Blob>(entry.Id);
        using var stream = staged.GetContentStream();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var parsed = TaskList.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (parsed.HasErrors)
        {
            return (IndexUpdate.LeftAlone, () => ColdStoreLog.IndexLeftAlone(logger, path, "the staged version does not parse; committing it as it is would undo this change"));
        }

        var (merged, whyNot) = reapply(parsed);
        if (merged is null)
        {
            return (IndexUpdate.LeftAlone, () => ColdStoreLog.IndexLeftAlone(logger, path, whyNot ?? "the edit does not apply to the staged version"));
        }

        var bytes = merged.ToBytes();
        var blob = repo.ObjectDatabase.CreateBlob(new MemoryStream(bytes, writable: false));
        if (blob.Id == entry.Id)
        {
            return (IndexUpdate.Unchanged, null);
        }

        index.Add(blob, path, entry.Mode);
        index.Write();
        return (IndexUpdate.MergedStaged, () => ColdStoreLog.IndexMergedStaged(logger, path));
    }

    /// <summary>
    /// An index update decided and written ahead. <see cref="Complete"/> renames the edited copy over the index
    /// (the index lock is held throughout, so nobody changed it meanwhile); <see cref="Dispose"/> removes an unused copy.
    /// </summary>
    internal sealed class PreparedIndex(string indexPath, string? copy, IndexUpdate outcome, Action? onComplete, RetiredFiles? retired) : IDisposable
    {
        private string? _copy = copy;

        /// <summary>An index that could not be prepared: left alone, the failure logged on completion.</summary>
        internal static PreparedIndex Failed(Action log) => new("", null, IndexUpdate.LeftAlone, log, null);

        /// <summary>Puts the edited index in place; returns what happened to the entry.</summary>
        public IndexUpdate Complete()
        {
            if (_copy is not null)
            {
                retired?.Retire(indexPath);
                File.Move(_copy, indexPath, overwrite: true);
                
                _copy = null;
            }

            onComplete?.Invoke();
            return outcome;
        }

        public void Dispose()
        {
            if (_copy is not null && File.Exists(_copy))
            {
                File.Delete(_copy);
            }

            _copy = null;
        }
    }
}
