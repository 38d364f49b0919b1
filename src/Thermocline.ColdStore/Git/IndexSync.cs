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
/// the index is touched: the edited copy of the index replaces the real one by rename.
/// </summary>
internal static class IndexSync
{
    public static IndexUpdate Apply(string gitDir, string path, TaskListSnapshot old, TaskListSnapshot updated, Reapply reapply, ILogger logger)
    {
        var indexPath = Path.Combine(gitDir, "index");
        if (!File.Exists(indexPath))
        {
            return IndexUpdate.Unchanged;
        }

        // libgit2 writes an index through "<file>.lock", which for the real index is the lock we hold, so
        // the edit is made on a private copy that then replaces the index atomically.
        var copy = Path.Combine(gitDir, $"thermocline-index-{Environment.ProcessId}.tmp");
        try
        {
            File.Copy(indexPath, copy, overwrite: true);
            var outcome = FastPath(copy, path, old, updated);
            if (outcome is null)
            {
                using var repo = new Repository(gitDir, new RepositoryOptions { IndexPath = copy });
                outcome = Edit(repo, path, old, updated, reapply, logger);
            }

            if (outcome is IndexUpdate.Updated or IndexUpdate.MergedStaged)
            {
                File.Move(copy, indexPath, overwrite: true);
            }

            return outcome.Value;
        }
        finally
        {
            if (File.Exists(copy))
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

    private static IndexUpdate Edit(Repository repo, string path, TaskListSnapshot old, TaskListSnapshot updated, Reapply reapply, ILogger logger)
    {
        var index = repo.Index;
        if (index.Conflicts[path] is not null)
        {
            ColdStoreLog.IndexLeftAlone(logger, path, "it is in a merge conflict");
            return IndexUpdate.LeftAlone;
        }

        var entry = index[path];
        if (entry is null)
        {
            ColdStoreLog.IndexLeftAlone(logger, path, "it is not in the index (a staged deletion?)");
            return IndexUpdate.LeftAlone;
        }

        if (entry.Id == updated.BlobId)
        {
            return IndexUpdate.Unchanged;
        }

        if (entry.Id == old.BlobId)
        {
            index.Add(repo.Lookup<Blob>(updated.BlobId), path, updated.Mode);
            index.Write();
            return IndexUpdate.Updated;
        }

        var staged = repo.Lookup<Blob>(entry.Id);
        using var stream = staged.GetContentStream();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var parsed = TaskList.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (parsed.HasErrors)
        {
            ColdStoreLog.IndexLeftAlone(logger, path, "the staged version does not parse; committing it as it is would undo this change");
            return IndexUpdate.LeftAlone;
        }

        var (merged, whyNot) = reapply(parsed);
        if (merged is null)
        {
            ColdStoreLog.IndexLeftAlone(logger, path, whyNot ?? "the edit does not apply to the staged version");
            return IndexUpdate.LeftAlone;
        }

        var bytes = merged.ToBytes();
        var blob = repo.ObjectDatabase.CreateBlob(new MemoryStream(bytes, writable: false));
        if (blob.Id == entry.Id)
        {
            return IndexUpdate.Unchanged;
        }

        index.Add(blob, path, entry.Mode);
        index.Write();
        ColdStoreLog.IndexMergedStaged(logger, path);
        return IndexUpdate.MergedStaged;
    }
}
