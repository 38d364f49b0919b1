using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Thermocline.ColdStore.Git;
using Thermocline.ColdStore.Native;
using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore;

/// <summary>
/// Git as the store of cold state: every cold transition becomes one durable commit that changes only the
/// task list, built in-process with libgit2 from HEAD's tree (the index, and whatever is staged there, is
/// never swept in). One instance per repository; its git writes are serialized. Thread-safe.
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
    private readonly string? _workDir;
    private readonly LooseObjectWriter _objects;
    private readonly RetiredFiles _retired;
    private TaskListSnapshot? _cache;
    private DateTimeOffset? _lastColdCommitAt;
    private int _commitsSincePackCheck;
    private Task _packing = Task.CompletedTask;
    private bool _disposed;

    private GitColdStore(ColdStoreOptions options, TimeProvider time, ILogger logger, Repository repo, IntPtr native, bool durable)
    {
        IsDurable = durable;
        _objects = new LooseObjectWriter(LibGit2Native.ObjectsDirectory(native), durable);
        _options = options;
        _time = time;
        _logger = logger;
        _repo = repo;
        _native = native;
        _gitDir = Path.GetFullPath(repo.Info.Path);
        _retired = new RetiredFiles(_gitDir);
        _workDir = repo.Info.IsBare ? null : Path.GetFullPath(repo.Info.WorkingDirectory);
    }

    /// <summary>The working directory, or null for a bare repository (then only git is written).</summary>
    public string? WorkingDirectory => _workDir;

    /// <summary>The task list's path inside the repository.</summary>
    public string TaskListPath => _options.TaskListPath;

    /// <summary>True when libgit2 fsyncs before a commit is acknowledged (<see cref="ColdStoreOptions.Durable"/>).</summary>
    public bool IsDurable { get; }

    /// <summary>Runs just before the branch is moved; tests use it to move HEAD underneath a commit.</summary>
    internal Action? BeforeRefUpdate { get; set; }

    /// <summary>
    /// Opens the repository at (or above) <see cref="ColdStoreOptions.RepositoryPath"/>. Turns libgit2's fsync
    /// on for the process when <see cref="ColdStoreOptions.Durable"/> (the default).
    /// </summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="ThermoclineException">No git repository there (<see cref="ErrorKind.Unavailable"/>).</exception>
    public static Task<GitColdStore> OpenAsync(ColdStoreOptions options, TimeProvider? timeProvider = null, ILogger<GitColdStore>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Task.Run(() => Open(options, timeProvider ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance), cancellationToken);
    }

    private static GitColdStore Open(ColdStoreOptions options, TimeProvider time, ILogger logger)
    {
        var gitDir = Repository.Discover(Path.GetFullPath(options.RepositoryPath))
            ?? throw ThermoclineException.Unavailable($"{options.RepositoryPath} is not in a git repository; run 'thermo init' or 'git init' there first.");
        Durability.Set(options.Durable);
        LockOwnership.SweepOwnerFiles(gitDir);
        var repo = new Repository(gitDir);
        IntPtr native;
        try
        {
            native = LibGit2Native.OpenRepository(gitDir);
            LibGit2Native.SetIdentity(native, options.CommitterName, options.CommitterEmail);
        }
        catch
        {
            repo.Dispose();
            throw;
        }

        var store = new GitColdStore(options, time, logger, repo, native, Durability.FsyncEnabled);
        ColdStoreLog.Opened(logger, store._workDir ?? gitDir, options.TaskListPath, store.IsDurable);
        if (!store.IsDurable)
        {
            ColdStoreLog.NotDurable(logger);
        }

        return store;
    }

    /// <summary>Waits for a background pack to finish, then releases the repository.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _gate.WaitAsync();
        try
        {
            await _packing;
            Release();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Release()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _retired.DeletePending();
        LibGit2Native.FreeRepository(_native);
        _repo.Dispose();
    }
}
