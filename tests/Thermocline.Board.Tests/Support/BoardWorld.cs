using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Playwright;
using Thermocline.Cli.Demo;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;
using Xunit.Abstractions;

namespace Thermocline.Board.Tests.Support;

/// <summary>
/// One browser test's world: a temporary git repository holding a task list, a real <c>thermo hub</c> process on it (the
/// embedded store, or a real redis-server under a key prefix of the test's own), the real <c>thermo</c> binary for the
/// agents, and a browser context of its own with one page at the hub. The page's uncaught errors and CSP violations are
/// collected (<see cref="AssertPageCleanAsync"/>); on dispose the page's last screenshot and DOM are saved under
/// <see cref="Artifacts.TestPages"/>, then the hub is stopped by PID and the repository deleted.
/// </summary>
internal sealed class BoardWorld : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _test;
    private readonly string[] _hubArgs;
    private readonly IReadOnlyDictionary<string, string>? _hubEnv;
    private readonly List<string> _pageProblems = [];
    private readonly List<HubProcess> _hubs = [];
    private IBrowserContext? _context;
    private IPage? _page;

    private BoardWorld(TempGitRepository repo, ITestOutputHelper output, string test, string[] hubArgs, IReadOnlyDictionary<string, string>? hubEnv, string? token)
    {
        Repo = repo;
        _output = output;
        _test = test;
        _hubArgs = hubArgs;
        _hubEnv = hubEnv;
        Token = token;
    }

    /// <summary>The hub's token, when it has one (the agents get it as THERMO_TOKEN).</summary>
    public string? Token { get; }

    public TempGitRepository Repo { get; }

    /// <summary>The hub the page and the agents talk to.</summary>
    public HubProcess Hub { get; private set; } = null!;

    /// <summary>The hub's address as the browser reaches it, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The port the hub listens on, the same across restarts.</summary>
    public int Port { get; private set; }

    public IBrowserContext Context => _context ?? throw new InvalidOperationException("no page opened");

    public IPage Page => _page ?? throw new InvalidOperationException("no page opened");

    /// <summary>
    /// Starts a hub on <paramref name="taskList"/> (its display sync held off, so the history holds only what a test
    /// does) and opens a browser context at 1280x800. <paramref name="hubArgs"/> are added to <c>thermo hub</c>, and
    /// with a <paramref name="token"/>, <c>--token</c>.
    /// </summary>
    public static async Task<BoardWorld> StartAsync(
        BrowserFixture browser,
        ITestOutputHelper output,
        string taskList,
        string[]? hubArgs = null,
        IReadOnlyDictionary<string, string>? hubEnv = null,
        string? token = null,
        [CallerMemberName] string test = "")
    {
        var repo = TempGitRepository.CreateWith(BoardTaskList.Path, taskList);
        string[] args = token is null ? [.. hubArgs ?? []] : [.. hubArgs ?? [], "--token", token];
        var world = new BoardWorld(repo, output, test, args, hubEnv, token);
        try
        {
            world.Port = FreePort();
            await world.StartHubAsync();
            world._context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
            world._context.SetDefaultTimeout(10_000);
            world._page = await world._context.NewPageAsync();
            world.Watch(world._page);
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the hub (again) on <see cref="Port"/>; the page keeps its address.</summary>
    public async Task StartHubAsync()
    {
        var env = new Dictionary<string, string> { ["THERMO_DISPLAY_INTERVAL_SECONDS"] = "3600" };
        foreach (var (key, value) in _hubEnv ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        // TestHubs passes --port 0 first; the later --port wins, so a restart finds the hub where the page left it.
        var hub = TestHubs.Launch(Repo.ConfigHome, Repo.WorkDir, [.. _hubArgs, "--port", Port.ToString(CultureInfo.InvariantCulture)], env);
        _hubs.Add(hub);
        await hub.WaitServingAsync();
        Hub = hub;
        Url = hub.LocalUrl.TrimEnd('/');
    }

    /// <summary>Stops the hub with SIGTERM (a clean stop) and waits for it to exit.</summary>
    public async Task StopHubAsync()
    {
        var code = await Hub.TerminateAsync();
        Assert.True(code == 0, $"the hub exited {code} on SIGTERM; log:\n{Hub.Log}");
    }

    /// <summary>Runs <c>thermo ARGS</c> against the hub and asserts the exit code, showing the whole run when it differs.</summary>
    public async Task<ThermoRun> ExpectAsync(int exitCode, params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == exitCode, $"thermo {string.Join(' ', args)}: expected exit {exitCode}, got {run}\n--- hub log\n{Hub.Log}");
        return run;
    }

    /// <summary>Runs <c>thermo ARGS</c> against the hub (THERMO_HUB set to it).</summary>
    public Task<ThermoRun> RunAsync(params string[] args)
    {
        var env = new Dictionary<string, string> { ["THERMO_HUB"] = Hub.LocalUrl };
        if (Token is not null)
        {
            env["THERMO_TOKEN"] = Token;
        }

        return Thermo.RunAsync(Repo.ConfigHome, Repo.WorkDir, args, env);
    }

    /// <summary><c>thermo claim PR --agent AGENT --json</c> (and any <paramref name="extra"/>); returns the lease.</summary>
    public async Task<string> ClaimAsync(string pr, string agent, params string[] extra)
    {
        var run = await ExpectAsync(0, ["claim", pr, "--agent", agent, "--json", .. extra]);
        return JsonDocument.Parse(run.Out).RootElement.GetProperty("lease").GetString()!;
    }

    /// <summary>
    /// Opens <paramref name="route"/> (a hash route of the board) at the hub, or at <paramref name="baseUrl"/>, and waits
    /// until the live stream is connected.
    /// </summary>
    public async Task OpenAsync(string route = "#/board", string? baseUrl = null)
    {
        await Page.GotoAsync($"{baseUrl ?? Url}/{route}");
        await Assertions.Expect(Page.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
    }

    /// <summary>The card of <paramref name="pr"/> wherever it is.</summary>
    public ILocator Card(string pr) => Page.Locator($"article.card[data-pr=\"{pr}\"]");

    /// <summary>The card of <paramref name="pr"/> in the column of <paramref name="state"/>.</summary>
    public ILocator CardIn(string state, string pr) => Page.Locator($"section.column[data-column=\"{state}\"] article.card[data-pr=\"{pr}\"]");

    /// <summary>Saves a screenshot of the page as <c>artifacts/board-screenshots/NAME.png</c>; returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(Artifacts.Screenshots);
        var path = Path.Combine(Artifacts.Screenshots, name + ".png");
        await Page.ScreenshotAsync(new() { Path = path });
        _output.WriteLine($"screenshot: {path}");
        return path;
    }

    /// <summary>Fails when the page threw an uncaught error or the browser refused something under the CSP.</summary>
    public Task AssertPageCleanAsync()
    {
        lock (_pageProblems)
        {
            Assert.True(_pageProblems.Count == 0, "the page reported:\n" + string.Join('\n', _pageProblems));
        }

        return Task.CompletedTask;
    }

    /// <summary>Opens another page in the same context (same cookies), watched like the first.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        Watch(page);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (_page is not null)
        {
            try
            {
                Directory.CreateDirectory(Artifacts.TestPages);
                var stem = Path.Combine(Artifacts.TestPages, _test);
                await _page.ScreenshotAsync(new() { Path = stem + ".png", FullPage = true, Timeout = 5_000 });
                await File.WriteAllTextAsync(stem + ".html", await _page.ContentAsync());
                _output.WriteLine($"last page: {stem}.png, {stem}.html");
            }
            catch (PlaywrightException e)
            {
                _output.WriteLine($"last page not saved: {e.Message}");
            }
        }

        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        foreach (var hub in _hubs)
        {
            await hub.DisposeAsync();
        }

        if (_hubs.Count > 0)
        {
            _output.WriteLine("--- hub log\n" + _hubs[^1].Log);
        }

        Repo.Dispose();
    }

    private void Watch(IPage page)
    {
        page.PageError += (_, error) => Report($"uncaught error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                Report($"CSP: {message.Text}");
            }
        };
    }

    private void Report(string problem)
    {
        lock (_pageProblems)
        {
            _pageProblems.Add(problem);
        }

        _output.WriteLine("page: " + problem);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
