using Microsoft.Extensions.Time.Testing;
using Thermocline.Testing;

namespace Thermocline.ColdStore.Tests.Support;

/// <summary>A temporary repository holding <see cref="TestTaskList"/> and a store opened on it; both cleaned up on dispose.</summary>
internal sealed class ColdRepo : IAsyncDisposable
{
    public const string Path = "docs/task-list.md";

    public static readonly DateTimeOffset Start = new(2025, 11, 14, 10, 30, 0, TimeSpan.Zero);

    private ColdRepo(TempGitRepository repo, GitColdStore store, FakeTimeProvider? time, RecordingLogger logger)
    {
        Repo = repo;
        Store = store;
        FakeTime = time;
        Logger = logger;
    }

    public TempGitRepository Repo { get; }

    public GitColdStore Store { get; }

    /// <summary>The fake clock, unless the repo was opened on real time.</summary>
    public FakeTimeProvider? FakeTime { get; }

    public RecordingLogger Logger { get; }

    public static async Task<ColdRepo> CreateAsync(string? taskList = null, bool realTime = false, Action<ColdStoreOptions>? configure = null)
    {
        var repo = TempGitRepository.CreateWith(Path, taskList ?? TestTaskList.Text);
        try
        {
            var options = new ColdStoreOptions { RepositoryPath = repo.WorkDir };
            configure?.Invoke(options);
            var time = realTime ? null : new FakeTimeProvider(Start);
            var logger = new RecordingLogger();
            var store = await GitColdStore.OpenAsync(options, (TimeProvider?)time ?? TimeProvider.System, logger);
            return new ColdRepo(repo, store, time, logger);
        }
        catch
        {
            repo.Dispose();
            throw;
        }
    }

    public string HeadTaskList() => Repo.Show("HEAD", Path);

    /// <summary>The raw message of a commit, exactly as stored.</summary>
    public string Message(string revision = "HEAD")
    {
        var raw = Repo.Git("cat-file", "commit", revision);
        return raw[(raw.IndexOf("\n\n", StringComparison.Ordinal) + 2)..];
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Repo.Dispose();
    }
}
