using System.Threading.Channels;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Notices a person's git at once: HEAD, the index, refs, packed-refs and the marks of an operation in progress in the
/// git directory, the branch refs in the common one, and the working-tree task list (inotify on Linux, through
/// <see cref="FileSystemWatcher"/>). Bursts are coalesced; <see cref="WaitAsync"/> returns once something changed.
/// </summary>
internal sealed class GitWatcher : IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public GitWatcher(string gitDir, string commonDir, string? workDir, string taskListPath)
    {
        Watch(gitDir, "*", false, IsGitFile);
        Watch(Path.Combine(commonDir, "refs"), "*", true, name => !name.EndsWith(".lock", StringComparison.Ordinal));
        if (commonDir != gitDir)
        {
            Watch(commonDir, "packed-refs", false, _ => true);
        }

        if (workDir is not null)
        {
            var file = Path.Combine(workDir, taskListPath);
            var folder = Path.GetDirectoryName(file)!;
            if (Directory.Exists(folder))
            {
                var name = Path.GetFileName(file);
                Watch(folder, "*", false, n => n == name);
            }
        }
    }

    /// <summary>Waits until something changed since the last call (an overflowing watcher counts as a change).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken) => await _changes.Reader.ReadAsync(cancellationToken);

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    // What git writes at the top of its directory when a person commits, checks out, merges, rebases, …; not its locks,
    // nor our own temp copies of the index.
    private static bool IsGitFile(string name) =>
        !name.EndsWith(".lock", StringComparison.Ordinal) && !name.StartsWith("thermocline", StringComparison.Ordinal)
        && name is "HEAD" or "index" or "ORIG_HEAD" or "MERGE_HEAD" or "CHERRY_PICK_HEAD" or "REVERT_HEAD" or "REBASE_HEAD"
            or "BISECT_START" or "packed-refs" or "rebase-merge" or "rebase-apply" or "sequencer" or "FETCH_HEAD";

    private void Watch(string folder, string filter, bool recursive, Func<string, bool> relevant)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        var watcher = new FileSystemWatcher(folder, filter)
        {
            IncludeSubdirectories = recursive,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        void OnChange(string? name)
        {
            if (name is not null && relevant(Path.GetFileName(name)))
            {
                _changes.Writer.TryWrite(true);
            }
        }

        watcher.Changed += (_, e) => OnChange(e.Name);
        watcher.Created += (_, e) => OnChange(e.Name);
        watcher.Deleted += (_, e) => OnChange(e.Name);
        watcher.Renamed += (_, e) =>
        {
            OnChange(e.Name);
            OnChange(e.OldName);
        };
        watcher.Error += (_, _) => _changes.Writer.TryWrite(true);
        watcher.EnableRaisingEvents = true;
        _watchers.Add(watcher);
    }
}
