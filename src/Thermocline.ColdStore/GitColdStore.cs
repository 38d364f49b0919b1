using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Thermocline.ColdStore.Git;
using Thermocline.ColdStore.Native;
using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore;

/// <summary>
/// Git as the store of cold state: every cold transition becomes one durable commit on the hub's branch that changes
/// only the task list, built in-process with libgit2 from the branch's tree (the index, and whatever is staged there,
/// is never swept in). The branch is explicit — the one checked out at open, or <see cref="ColdStoreOptions.Branch"/> —
/// and a person's checkout is respected (<see cref="Checkout"/>). One instance per repository; its git writes are
/// serialized. Thread-safe.
/// </summary>
public sealed partial class GitColdStore : IAsyncDisposable
{
    private readonly ColdStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Repository _repo;
    private readonly IntPtr _native;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _gitDir;
    private readonly string _commonDir;
    private readonly string? _workDir;
    private readonly string _branchRef;
    private readonly string _localRef;
    private readonly OwedEdits _owed;
    private readonly StaleSaves _staleSaves;
    private TaskListSnapshot? _cache;
    private string? _knownTip;
    private GitWatcher? _watcher;
    private DateTimeOffset? _lastColdCommitAt;
    private (string? Tip, Dictionary<string, bool> Verdicts) _blockVerdicts = (null, []);
    private int _commitsSincePackCheck;
    private Task _packing = Task.CompletedTask;
    private bool _disposed;

    private GitColdStore(ColdStoreOptions options, TimeProvider time, ILogger logger, Repository repo, IntPtr native, string localRef)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _repo = repo;
        _native = native;
        _localRef = localRef;
        _gitDir = Path.GetFullPath(repo.Info.Path);
        // A linked worktree's git directory names the shared one in "commondir".
        var common = Path.Combine(_gitDir, "commondir");
        _commonDir = File.Exists(common) ? Path.GetFullPath(Path.Combine(_gitDir, File.ReadAllText(common).Trim())) : _gitDir;
        _workDir = repo.Info.IsBare ? null : Path.GetFullPath(repo.Info.WorkingDirectory);
        _remote = options.Remote is { } remote ? new GitRemote(remote, Branch, _workDir ?? _gitDir, options.RemoteTimeout) : null;
        // The ref every read and commit goes by: the local branch, or with a remote its remote-tracking ref.
        _branchRef = _remote?.TrackingRef ?? localRef;
        StateDirectory = Path.Combine(_commonDir, "thermocline");
        _owed = new OwedEdits(StateDirectory);
        _staleSaves = new StaleSaves(options.StaleSaveWindow);
        var lastTip = Path.Combine(StateDirectory, "last-tip");
        _knownTip = File.Exists(lastTip) && File.ReadAllText(lastTip).Trim() is { Length: 40 } sha ? sha : null;
    }

    /// <summary>The working directory, or null for a bare repository (then only git is written).</summary>
    public string? WorkingDirectory => _workDir;

    /// <summary>This worktree's git directory (<c>.git</c>, or <c>.git/worktrees/NAME</c> for a linked worktree).</summary>
    public string GitDirectory => _gitDir;

    /// <summary>
    /// Where the hub keeps its own few files (<c>.git/thermocline</c>): lock records, owed edits, durable marks. Git
    /// never looks there; it exists once the store is open.
    /// </summary>
    public string StateDirectory { get; }

    /// <summary>The hub's branch, e.g. <c>main</c>: every commit goes there, never to "whatever HEAD is".</summary>
    public string Branch => _localRef["refs/heads/".Length..];

    /// <summary>The task list's path inside the repository.</summary>
    public string TaskListPath => _options.TaskListPath;

    /// <summary>True when libgit2 fsyncs before a commit is acknowledged (<see cref="ColdStoreOptions.Durable"/>).</summary>
    public bool IsDurable { get; private init; }

    /// <summary>Runs just before the branch is moved; tests use it to move the branch underneath a commit.</summary>
    internal Action? BeforeRefUpdate { get; set; }

    /// <summary>Runs just after the branch moved, before the working copy is brought in step; tests use it to move HEAD then.</summary>
    internal Action? AfterRefUpdate { get; set; }

    /// <summary>
    /// Opens the repository at (or above) <see cref="ColdStoreOptions.RepositoryPath"/> on its branch. Turns libgit2's
    /// fsync on for the process when <see cref="ColdStoreOptions.Durable"/> (the default).
    /// </summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="ThermoclineException">
    /// No git repository there, HEAD detached with no branch named, or the named branch missing
    /// (<see cref="ErrorKind.Unavailable"/>); the state directory not writable.
    /// </exception>
    public static Task<GitColdStore> OpenAsync(ColdStoreOptions options, TimeProvider? timeProvider = null, ILogger<GitColdStore>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Task.Run(
            async () =>
            {
                var store = Open(options, timeProvider ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance);
                try
                {
                    await store.ConnectRemoteAsync(cancellationToken);
                    store.ReadAhead();
                    return store;
                }
                catch
                {
                    await store.DisposeAsync();
                    throw;
                }
            },
            cancellationToken);
    }

    private static GitColdStore Open(ColdStoreOptions options, TimeProvider time, ILogger logger)
    {
        var gitDir = Repository.Discover(Path.GetFullPath(options.RepositoryPath))
            ?? throw ThermoclineException.Unavailable($"{options.RepositoryPath} is not in a git repository; run 'thermo init' or 'git init' there first.");
        var durable = Durability.Set(options.Durable);
        var repo = new Repository(gitDir);
        IntPtr native = IntPtr.Zero;
        try
        {
            var branchRef = ResolveBranch(repo, options.Branch);
            native = LibGit2Native.OpenRepository(gitDir);
            var store = new GitColdStore(options, time, logger, repo, native, branchRef) { IsDurable = durable };
            Directory.CreateDirectory(store.StateDirectory);
            LockOwnership.SweepRecords(store.StateDirectory);
            ColdStoreLog.Opened(logger, store._workDir ?? gitDir, store.Branch, options.TaskListPath, durable);
            if (!durable)
            {
                ColdStoreLog.NotDurable(logger);
            }

            return store;
        }
        catch (Exception e)
        {
            LibGit2Native.FreeRepository(native);
            repo.Dispose();
            throw e is IOException or UnauthorizedAccessException
                ? ThermoclineException.Unavailable($"the hub cannot write its state under {gitDir}: {e.Message}", e)
                : e;
        }
    }

    // The tip's task list read and parsed while the store opens, off the caller's thread: a hub opens its hot store
    // meanwhile, and its first reads (the working copy check, hydration) find the list ready. A list that cannot be read
    // is left for those reads, which say why.
    private void ReadAhead()
    {
        try
        {
            _ = Load(ReadTip());
        }
        catch (Exception ex) when (ex is ThermoclineException or LibGit2SharpException or IOException)
        {
        }
    }

    // The branch named, or the one HEAD is on; an unborn branch is fine (reads say "no commits yet").
    private static string ResolveBranch(Repository repo, string? named)
    {
        if (named is not null)
        {
            var canonical = "refs/heads/" + named;
            return repo.Refs[canonical] is not null
                ? canonical
                : throw ThermoclineException.Unavailable($"there is no branch '{named}' in {repo.Info.WorkingDirectory ?? repo.Info.Path}; create it (git branch {named}) or name another with --branch.");
        }

        if (repo.Refs.Head is SymbolicReference { TargetIdentifier: var target } && target.StartsWith("refs/heads/", StringComparison.Ordinal))
        {
            return target;
        }

        throw ThermoclineException.Unavailable(
            "HEAD is detached, so there is no branch to commit to. Check out the branch the hub should commit to (git switch main), or name it: thermo hub --branch main (THERMO_BRANCH).");
    }

    /// <summary>
    /// Waits until git or the working-tree task list changes — a person's commit, pull, merge, reset, amend, checkout or
    /// save (the hub's own writes too; callers check what moved). Bursts are coalesced.
    /// </summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        StartWatching();
        return _watcher!.WaitAsync(cancellationToken);
    }

    /// <summary>Starts watching git now, so that no change after this call is missed by <see cref="WaitForChangeAsync"/>.</summary>
    public void StartWatching()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_watcher is null)
        {
            var watcher = new GitWatcher(_gitDir, _commonDir, _workDir, _options.TaskListPath);
            if (Interlocked.CompareExchange(ref _watcher, watcher, null) is not null)
            {
                watcher.Dispose();
            }
        }
    }

    /// <summary>Waits for a background pack to finish, then releases the repository.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _following;
        await _gate.WaitAsync();
        try
        {
            await _packing;
            if (!_disposed)
            {
                _disposed = true;
                _watcher?.Dispose();
                LibGit2Native.FreeRepository(_native);
                _repo.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
