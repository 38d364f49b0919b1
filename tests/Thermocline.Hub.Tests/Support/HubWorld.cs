using System.Globalization;
using Thermocline.Cli.Demo;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.Support;

/// <summary>
/// One end-to-end test's world: a temporary git repository holding <see cref="ContractTaskList"/>, the store the hub
/// runs on (with a key prefix of its own on a shared Redis: a redis-server, a cluster), and the real <c>thermo</c> binary
/// to drive it.
/// </summary>
internal sealed class HubWorld : IAsyncDisposable
{
    private readonly List<HubProcess> _hubs = [];
    private HttpClient? _http;

    private HubWorld(TempGitRepository repo, Store store, IStoreServer? redis)
    {
        Repo = repo;
        Store = store;
        Redis = redis;
        KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..12] + ":";
    }

    public TempGitRepository Repo { get; }

    public Store Store { get; }

    public IStoreServer? Redis { get; }

    public string KeyPrefix { get; }

    /// <summary>The hub the agent commands talk to (set by <see cref="StartHubAsync"/>).</summary>
    public HubProcess? Hub { get; private set; }

    /// <summary>An HTTP client for <see cref="Hub"/>'s API (set by <see cref="StartHubAsync"/>).</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("no hub started");

    public static HubWorld Create(Store store, IStoreServer? redis, string? taskList = null) =>
        new(TempGitRepository.CreateWith(ContractTaskList.Path, taskList ?? ContractTaskList.Text), store, redis);

    /// <summary>The hub arguments that select this world's store.</summary>
    public IReadOnlyList<string> StoreArgs => Store == Store.Redis
        ? ["--redis", Redis!.ConnectionString, "--key-prefix", KeyPrefix]
        : [];

    /// <summary>Launches <c>thermo hub</c> on this repository and store without waiting (for hubs expected to refuse).</summary>
    public HubProcess LaunchHub(params string[] extraArgs) => LaunchHubWith(null, extraArgs);

    /// <summary>Like <see cref="LaunchHub"/>, with extra environment variables for the hub process.</summary>
    public HubProcess LaunchHubWith(IReadOnlyDictionary<string, string>? env, params string[] extraArgs)
    {
        var hub = TestHubs.Launch(Repo.ConfigHome, Repo.WorkDir, [.. StoreArgs, .. extraArgs], env);
        _hubs.Add(hub);
        return hub;
    }

    /// <summary>Starts a hub and waits until it serves; later agent commands talk to it.</summary>
    public Task<HubProcess> StartHubAsync(params string[] extraArgs) => StartHubWithAsync(null, extraArgs);

    /// <summary>Like <see cref="StartHubAsync"/>, with extra environment variables for the hub process.</summary>
    public async Task<HubProcess> StartHubWithAsync(IReadOnlyDictionary<string, string>? env, params string[] extraArgs)
    {
        var hub = LaunchHubWith(env, extraArgs);
        await hub.WaitServingAsync();
        Hub = hub;
        _http?.Dispose();
        _http = new HttpClient { BaseAddress = new Uri(hub.LocalUrl) };
        return hub;
    }

    /// <summary>Runs <c>thermo ARGS</c> against the current hub (THERMO_HUB set to it).</summary>
    public Task<ThermoRun> RunAsync(params string[] args) => RunWithAsync(null, args);

    /// <summary>Runs <c>thermo ARGS</c> with extra environment variables, against the current hub unless THERMO_HUB is among them.</summary>
    public Task<ThermoRun> RunWithAsync(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var all = new Dictionary<string, string>(env ?? new Dictionary<string, string>());
        if (Hub is not null && !all.ContainsKey("THERMO_HUB"))
        {
            all["THERMO_HUB"] = Hub.LocalUrl;
        }

        return Thermo.RunAsync(Repo.ConfigHome, Repo.WorkDir, args, all);
    }

    /// <summary>Runs and asserts the exit code, showing the whole run when it differs.</summary>
    public async Task<ThermoRun> ExpectAsync(int exitCode, params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == exitCode, $"thermo {string.Join(' ', args)}: expected exit {exitCode}, got {run}\n--- hub log\n{Hub?.Log}");
        return run;
    }

    /// <summary>Commit titles, newest first (<c>git log --format=%s</c>).</summary>
    public IReadOnlyList<string> CommitTitles() =>
        Repo.Git("log", "--format=%s").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public int CommitCount() => int.Parse(Repo.Git("rev-list", "--count", "HEAD").Trim(), CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        foreach (var hub in _hubs)
        {
            // Stopped as a service manager stops it (SIGTERM), so what the hub process ran is counted by the coverage of
            // scripts/test.sh (a process killed with SIGKILL reports nothing); killed only when that fails.
            if (!hub.HasExited)
            {
                try
                {
                    await hub.TerminateAsync();
                }
                catch (Domain.Errors.ThermoclineException)
                {
                    // Did not stop within its limit: the kill below ends it.
                }
            }

            await hub.DisposeAsync();
        }

        Repo.Dispose();
    }
}
