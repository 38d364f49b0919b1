using Thermocline.ColdStore.Native;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Files a commit replaces by rename (the working-tree task list, the index, the branch's ref file) kept alive a while
/// under a second name (a hard link in <c>.git/thermocline/retired</c>, where git does not look), so that the rename
/// does not free the old file: on some file systems (this project's CI machines among them) freeing a file costs
/// ~0.5 ms — as much as the rest of the working-tree update — while a link and a rename cost ~0.03 ms. They are deleted later, off the commit's path: at the
/// start of the next commit, when the store is disposed, and — any left by a crash — when a store opens.
/// </summary>
internal sealed class RetiredFiles
{
    private readonly string _dir;
    private readonly Lock _gate = new();
    private readonly List<string> _pending = [];

    public RetiredFiles(string gitDir) => _dir = Path.Combine(gitDir, "thermocline", "retired");

    /// <summary>
    /// Links <paramref name="fullPath"/> under a retired name; false (nothing done) where hard links are not possible,
    /// e.g. when the working tree is on another file system than <c>.git</c>.
    /// </summary>
    public bool Retire(string fullPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var retired = Path.Combine(_dir, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        if (!HardLink.TryCreate(fullPath, retired))
        {
            try
            {
                Directory.CreateDirectory(_dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }

            if (!HardLink.TryCreate(fullPath, retired))
            {
                return false;
            }
        }

        lock (_gate)
        {
            _pending.Add(retired);
        }

        return true;
    }

    /// <summary>Deletes what this store retired so far.</summary>
    public void DeletePending()
    {
        string[] files;
        lock (_gate)
        {
            files = [.. _pending];
            _pending.Clear();
        }

        foreach (var file in files)
        {
            DeleteQuietly(file);
        }
    }

    /// <summary>Deletes every retired file, also those a crashed process left (deleting one never loses data: it is a second name).</summary>
    public void DeleteAll()
    {
        DeletePending();
        if (Directory.Exists(_dir))
        {
            foreach (var file in Directory.EnumerateFiles(_dir))
            {
                DeleteQuietly(file);
            }
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still there: the next DeleteAll tries again.
        }
    }
}
