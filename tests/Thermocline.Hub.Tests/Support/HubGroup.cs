using System.Globalization;
using System.Net;
using System.Text.Json;
using Thermocline.Cli.Demo;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.Support;

/// <summary>
/// A group of two real <c>thermo hub --remote origin --advertise URL</c> processes: a bare repository as the remote, two
/// clones of it, one Redis (any connection string: a redis-server, a cluster's seed nodes) under a key prefix of the
/// group's own, a hub on each clone. <see cref="A"/> starts first and leads; <see cref="B"/> stands by.
/// </summary>
internal sealed class HubGroup : IAsyncDisposable
{
    private readonly HubWorld _world;
    private readonly TempGitRepository _second;
    private readonly IReadOnlyDictionary<string, string> _env;
    private readonly List<HubProcess> _ownProcesses = [];

    private HubGroup(HubWorld world, TempGitRepository second, string bare, IReadOnlyDictionary<string, string> env, Member a, Member b)
    {
        (_world, _second, Bare, _env, A, B) = (world, second, bare, env, a, b);
        _ownProcesses.Add(b.Process);
    }

    /// <summary>The hub that started first (on the world's repository).</summary>
    public Member A { get; private set; }

    /// <summary>The hub that started second (on a clone of the remote).</summary>
    public Member B { get; private set; }

    /// <summary>Both hubs, A first.</summary>
    public IReadOnlyList<Member> Members => [A, B];

    /// <summary>The bare repository every hub pushes to.</summary>
    public string Bare { get; }

    /// <summary>Both hubs' URLs, comma-separated, A first: what <c>THERMO_HUB</c> holds for a client of the group.</summary>
    public string Urls => $"{A.Url},{B.Url}";

    /// <summary>The prefix of every Redis key the group's hubs write.</summary>
    public string KeyPrefix => _world.KeyPrefix;

    /// <summary>A home and folder to run <c>thermo</c> from (the first clone's).</summary>
    public TempGitRepository Repo => _world.Repo;

    /// <summary>Starts the group on <paramref name="redis"/>; the hubs get <paramref name="env"/> (e.g. short leader lease and fetch period).</summary>
    public static async Task<HubGroup> StartAsync(IStoreServer redis, string taskList, IReadOnlyDictionary<string, string> env)
    {
        var world = HubWorld.Create(Store.Redis, redis, taskList);
        try
        {
            var bare = world.Repo.PublishToBare();
            var second = TempGitRepository.Clone(bare);
            var (portA, portB) = (FreePort(), FreePort());
            var urlA = Url(portA);
            var urlB = Url(portB);
            var a = await world.StartHubWithAsync(env, HubArgs(urlA, portA));
            HubProcess b;
            try
            {
                b = await TestHubs.StartAsync(second.ConfigHome, second.WorkDir, [.. world.StoreArgs, .. HubArgs(urlB, portB)], env);
            }
            catch
            {
                second.Dispose();
                throw;
            }

            return new HubGroup(world, second, bare, env, new Member(world.Repo, a, urlA), new Member(second, b, urlB));
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a hub again on a killed member's clone and port (<paramref name="member"/> must have exited); returns the new member.</summary>
    public async Task<Member> RestartAsync(Member member)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (!member.Process.HasExited)
        {
            throw new InvalidOperationException($"the hub at {member.Url} still runs");
        }

        var port = new Uri(member.Url).Port;
        var restarted = member == A
            ? await _world.StartHubWithAsync(_env, HubArgs(member.Url, port))
            : await TestHubs.StartAsync(_second.ConfigHome, _second.WorkDir, [.. _world.StoreArgs, .. HubArgs(member.Url, port)], _env);
        if (member != A)
        {
            _ownProcesses.Add(restarted);
        }

        var fresh = member with { Process = restarted };
        if (member == A)
        {
            A = fresh;
        }
        else
        {
            B = fresh;
        }

        return fresh;
    }

    /// <summary>Runs <c>thermo ARGS</c> with <c>THERMO_HUB</c> set to <paramref name="hubs"/> (one URL or several, comma-separated).</summary>
    public Task<ThermoRun> RunAsync(string hubs, params string[] args) =>
        Thermo.RunAsync(_world.Repo.ConfigHome, _world.Repo.WorkDir, args, new Dictionary<string, string> { ["THERMO_HUB"] = hubs });

    /// <summary>Runs <c>thermo ARGS</c> against <paramref name="hub"/> only.</summary>
    public Task<ThermoRun> RunAsync(Member hub, params string[] args) => RunAsync(hub.Url, args);

    /// <summary>Runs against <paramref name="hub"/> and asserts the exit code, showing the run and both hubs' logs when it differs.</summary>
    public Task<ThermoRun> ExpectAsync(Member hub, int exitCode, params string[] args) => ExpectViaAsync(hub.Url, exitCode, args);

    /// <summary>Runs with <c>THERMO_HUB</c> set to <paramref name="hubs"/> (one URL, or several separated by commas) and asserts the exit code.</summary>
    public async Task<ThermoRun> ExpectViaAsync(string hubs, int exitCode, params string[] args)
    {
        var run = await RunAsync(hubs, args);
        Assert.True(run.ExitCode == exitCode, $"thermo {string.Join(' ', args)} at {hubs}: expected exit {exitCode}, got {run}\n{Logs()}");
        return run;
    }

    /// <summary>A hub's <c>/healthz</c>.</summary>
    public static async Task<JsonElement> HealthAsync(Member hub)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return JsonDocument.Parse(await http.GetStringAsync(hub.Url + "/healthz")).RootElement.Clone();
    }

    /// <summary>The hub whose <c>/healthz</c> says <c>active</c> now, or null (none answers so, e.g. during a failover).</summary>
    public async Task<Member?> ActiveAsync()
    {
        foreach (var member in Members.Where(m => !m.Process.HasExited))
        {
            try
            {
                if ((await HealthAsync(member)).GetProperty("role").GetString() == "active")
                {
                    return member;
                }
            }
            catch (HttpRequestException)
            {
                // Not serving (yet, or any more).
            }
            catch (TaskCanceledException)
            {
            }
        }

        return null;
    }

    /// <summary>The task list on the remote's branch.</summary>
    public string RemoteTaskList() => Git("show", $"main:{ContractTaskList.Path}");

    /// <summary>The remote branch's commit titles, newest first.</summary>
    public string[] RemoteLog() => Git("log", "--format=%s", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The message of the remote's leader mark (the ref the active hub marks as its own).</summary>
    public string LeaderMark() => Git("log", "-1", "--format=%B", "refs/thermocline/leader");

    /// <summary>git ARGS on the bare remote.</summary>
    public string Git(params string[] args) => _second.Git(["--git-dir", Bare, .. args]);

    /// <summary>Both hubs' logs (every process each member ran), for a failure message.</summary>
    public string Logs() => $"--- hub A ({A.Url})\n{A.Process.Log}\n--- hub B ({B.Url})\n{B.Process.Log}";

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _ownProcesses)
        {
            if (!process.HasExited)
            {
                try
                {
                    await process.TerminateAsync();
                }
                catch (Domain.Errors.ThermoclineException)
                {
                    // Did not stop within its limit: disposing kills it.
                }
            }

            await process.DisposeAsync();
        }

        await _world.DisposeAsync();
        _second.Dispose();
    }

    private static string[] HubArgs(string url, int port) => ["--remote", "origin", "--advertise", url, "--port", port.ToString(CultureInfo.InvariantCulture)];

    private static string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>One hub of the group: its clone, its process, the URL it advertises.</summary>
    internal sealed record Member(TempGitRepository Repo, HubProcess Process, string Url);
}
