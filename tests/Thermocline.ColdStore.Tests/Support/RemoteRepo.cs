using Thermocline.Testing;

namespace Thermocline.ColdStore.Tests.Support;

/// <summary>
/// A shared remote as a team has it: a person's clone holding <see cref="TestTaskList"/>, published to a bare repository
/// (<c>origin</c>), and the hub's own clone of it with a store opened on <c>--remote origin</c>. All cleaned up on dispose.
/// </summary>
internal sealed class RemoteRepo : IAsyncDisposable
{
    private RemoteRepo(TempGitRepository person, string bare, TempGitRepository hub, GitColdStore store, RecordingLogger logger)
    {
        Person = person;
        Bare = bare;
        Hub = hub;
        Store = store;
        Logger = logger;
    }

    /// <summary>A person's clone; they commit and push there.</summary>
    public TempGitRepository Person { get; }

    /// <summary>The bare repository everyone pushes to.</summary>
    public string Bare { get; }

    /// <summary>The hub's clone.</summary>
    public TempGitRepository Hub { get; }

    public GitColdStore Store { get; }

    public RecordingLogger Logger { get; }

    public static async Task<RemoteRepo> CreateAsync(Action<ColdStoreOptions>? configure = null, string? taskList = null)
    {
        var person = TempGitRepository.CreateWith(ColdRepo.Path, taskList ?? TestTaskList.Text);
        TempGitRepository? hub = null;
        try
        {
            var bare = person.PublishToBare();
            hub = TempGitRepository.Clone(bare);
            var options = new ColdStoreOptions { RepositoryPath = hub.WorkDir, Remote = "origin", RemoteTimeout = TimeSpan.FromSeconds(10) };
            configure?.Invoke(options);
            var logger = new RecordingLogger();
            var store = await GitColdStore.OpenAsync(options, TimeProvider.System, logger);
            return new RemoteRepo(person, bare, hub, store, logger);
        }
        catch
        {
            hub?.Dispose();
            person.Dispose();
            throw;
        }
    }

    /// <summary>Where the remote's <c>main</c> is.</summary>
    public string RemoteMain() => Person.Git("--git-dir", Bare, "rev-parse", "main").Trim();

    /// <summary>The task list on the remote's <c>main</c>.</summary>
    public string RemoteTaskList() => Person.Git("--git-dir", Bare, "show", $"main:{ColdRepo.Path}");

    /// <summary>The person changes the task list (or another file), commits and pushes, after pulling what the hub pushed.</summary>
    public string PersonPushes(Func<string, string> edit, string message = "A person's edit")
    {
        Person.Git("pull", "-q", "--ff-only", "origin", "main");
        Person.WriteFile(ColdRepo.Path, edit(Person.ReadFile(ColdRepo.Path)));
        var sha = Person.CommitFiles(message, ColdRepo.Path);
        Person.Git("push", "-q", "origin", "main");
        return sha;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Hub.Dispose();
        Person.Dispose();
    }
}
