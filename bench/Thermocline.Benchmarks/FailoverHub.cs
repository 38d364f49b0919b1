using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Thermocline.Cli.Demo;
using Thermocline.Hub.Api;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// One hub of the failover benchmark's group: <c>thermo hub --redis … --remote origin --advertise URL --port PORT</c> on
/// its own clone, as the standby tests start it (git and HOME isolated in the clone's directory, no THERMO_ setting of
/// the caller's). The port and URL stay the same across restarts, so the other hub names it again after a round.
/// </summary>
internal sealed class FailoverHub : IAsyncDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly string _thermo;
    private readonly IReadOnlyList<string> _storeArgs;
    private readonly IReadOnlyDictionary<string, string> _env;
    private HubProcess? _process;
    private HttpClient? _http;

    public FailoverHub(string name, TempGitRepository repo, string thermo, IReadOnlyList<string> storeArgs, IReadOnlyDictionary<string, string> env)
    {
        Name = name;
        Repo = repo;
        _thermo = thermo;
        _storeArgs = storeArgs;
        _env = env;
        Port = FreePort();
        Url = $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";
    }

    public string Name { get; }

    public TempGitRepository Repo { get; }

    public int Port { get; }

    public string Url { get; }

    /// <summary>Everything the running (or last) hub process logged, for a failure's message.</summary>
    public string Log => _process?.Log ?? "";

    /// <summary>Starts the hub process (again, after a kill) and waits until it printed its address: it serves.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _http?.Dispose();
        _process = HubProcess.Launch(StartInfo());
        await _process.WaitServingAsync(cancellationToken);

        // A new client per process: connections pooled to a killed one are dead.
        _http = new HttpClient { BaseAddress = new Uri(Url), Timeout = ProbeTimeout };
    }

    /// <summary>SIGKILL by PID (no shutdown code runs: a crash), then waits for the exit.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    /// <summary><c>GET /healthz</c>; null while nothing answers (not yet listening, or killed).</summary>
    public async Task<HealthView?> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var answer = await Http.GetAsync("healthz", cancellationToken);
            return await answer.Content.ReadFromJsonAsync(HubJsonContext.Default.HealthView, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>
    /// A write: <c>POST /api/prs/{id}/claim</c> for <paramref name="agent"/>. Returns the status and body, or null when the
    /// request got no answer (connection refused or reset, timed out).
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)?> ClaimAsync(string prId, string agent, CancellationToken cancellationToken)
    {
        try
        {
            using var answer = await Http.PostAsJsonAsync($"api/prs/{prId}/claim", new ClaimRequest(agent, null), HubJsonContext.Default.ClaimRequest, cancellationToken);
            return (answer.StatusCode, await answer.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private HttpClient Http => _http ?? throw new InvalidOperationException($"hub {Name} was never started");

    private ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(ThermoBinary.Dotnet) { WorkingDirectory = Repo.WorkDir };
        string[] args =
        [
            _thermo, "hub", "--repo", Repo.WorkDir, "--port", Port.ToString(CultureInfo.InvariantCulture), "--json",
            .. _storeArgs, "--remote", "origin", "--advertise", Url,
        ];
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("THERMO_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["HOME"] = Repo.ConfigHome;
        info.Environment["XDG_CONFIG_HOME"] = Repo.ConfigHome;
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_CONFIG_GLOBAL"] = Path.Combine(Repo.ConfigHome, ".gitconfig");
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in _env)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
