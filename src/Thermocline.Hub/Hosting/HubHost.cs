using System.Net;
using System.Text;
using LibGit2Sharp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Thermocline.ColdStore;
using Thermocline.Domain.Errors;
using Thermocline.HotStore;
using Thermocline.HotStore.Connection;
using Thermocline.HotStore.Embedded;
using Thermocline.Hub.Api;
using Thermocline.Hub.Board;
using Thermocline.Hub.Configuration;
using Thermocline.Hub.Security;
using Thermocline.Sync;
using Thermocline.Sync.Cycles;

namespace Thermocline.Hub.Hosting;

/// <summary>
/// The running hub: one repository's lock, its git cold store, the Redis (or embedded Garnet) hot store, the state
/// sync and its cycles, and the HTTP API on Kestrel. <see cref="StartAsync"/> returns once recovery is done and the
/// API answers; dispose (or cancel <see cref="RunAsync"/>) for a clean shutdown.
/// </summary>
public sealed partial class HubHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HubLock _lock;
    private readonly GitColdStore _cold;
    private readonly RedisHotStore _hot;
    private readonly EmbeddedGarnet? _embedded;
    private readonly StateSync _sync;
    private int _disposed;

    private HubHost(WebApplication app, HubLock hubLock, GitColdStore cold, RedisHotStore hot, EmbeddedGarnet? embedded, StateSync sync, Uri address)
    {
        _app = app;
        _lock = hubLock;
        _cold = cold;
        _hot = hot;
        _embedded = embedded;
        _sync = sync;
        Address = address;
    }

    /// <summary>Where the API listens, e.g. <c>http://127.0.0.1:7420/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The state sync the hub runs.</summary>
    public StateSync Sync => _sync;

    /// <summary>Starts the hub; returns when it serves. Throws <see cref="ThermoclineException"/> naming what stopped it.</summary>
    public static async Task<HubHost> StartAsync(HubOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var time = timeProvider ?? TimeProvider.System;
        var logger = loggerFactory.CreateLogger<HubHost>();
        var repoPath = Path.GetFullPath(options.Repository);
        var gitDir = Repository.Discover(repoPath) ?? throw ThermoclineException.Usage(
            $"{repoPath} is not inside a git repository; create one with 'thermo init --repo {options.Repository}'.");

        var hubLock = HubLock.Acquire(gitDir, $"listening on {options.Bind}:{options.Port}");
        try
        {
            EnsurePortFree(options);
        }
        catch
        {
            hubLock.Dispose();
            throw;
        }

        // Three slow starts run side by side: the git store (it reads and parses the task list while it opens), the hot
        // store (an embedded Garnet to start, then the connection) and the web host's build. The host takes the stores
        // once they are open; nothing resolves them before.
        var stores = new HubStores();
        var syncOptions = new SyncOptions
        {
            DisplayInterval = options.DisplayInterval,
            MaxLeaseTtl = options.MaxLeaseTtl,
            FetchInterval = options.FetchInterval,
            Group = options.Advertise is { } advertise ? new HubGroupOptions { Address = advertise.TrimEnd('/'), LeaseTtl = options.LeaderTtl } : null,
        };
        var coldOptions = new ColdStoreOptions { RepositoryPath = repoPath, Branch = options.Branch, Remote = options.Remote, HubGroup = options.Advertise is not null };
        var opening = GitColdStore.OpenAsync(coldOptions, time, loggerFactory.CreateLogger<GitColdStore>(), cancellationToken);
        var connecting = ConnectHotStoreAsync(options, gitDir, loggerFactory, time, cancellationToken);
        var building = Task.Run(() => Build(options, loggerFactory, time, services => stores.AddStateSync(services.AddSingleton(syncOptions))), cancellationToken);
        try
        {
            await Task.WhenAll(opening, connecting, building);
            var app = await building;
            var cold = await opening;
            var (embedded, hot) = await connecting;
            HubLog.Stores(logger, repoPath, embedded is null ? "Redis" : "embedded Garnet", hot.Endpoint);
            stores.Open(cold, hot);
            var sync = app.Services.GetRequiredService<StateSync>();
            await app.StartAsync(cancellationToken);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            HubLog.Listening(logger, address.ToString(), options.Token is null ? "none (loopback only)" : "bearer token");
            return new HubHost(app, hubLock, cold, hot, embedded, sync, address);
        }
        catch
        {
            // Whatever did open is closed again, in the order DisposeAsync closes it.
            if (await SucceededAsync(building) is { } built)
            {
                await built.DisposeAsync();
            }

            if (await SucceededAsync(connecting) is var (garnet, hot) && hot is not null)
            {
                await hot.DisposeAsync();
                if (garnet is not null)
                {
                    await garnet.DisposeAsync();
                }
            }

            if (await SucceededAsync(opening) is { } cold)
            {
                await cold.DisposeAsync();
            }

            hubLock.Dispose();
            throw;
        }
    }

    // What a start that failed elsewhere must close: the task's result when it succeeded (its own failure is the one
    // already on its way, or a consequence of it), else nothing.
    private static async Task<T?> SucceededAsync<T>(Task<T> task)
    {
        try
        {
            return await task;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return default;
        }
    }

    // The embedded Garnet (unless a Redis is named) and the connection to it; an embedded store whose connection fails is
    // stopped again.
    private static async Task<(EmbeddedGarnet? Embedded, RedisHotStore Hot)> ConnectHotStoreAsync(
        HubOptions options, string gitDir, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        EmbeddedGarnet? embedded = null;
        var connection = options.Redis;
        if (connection is null)
        {
            var data = options.PersistEmbedded ? Path.Combine(gitDir, "thermocline", "garnet") : null;
            embedded = await EmbeddedGarnet.StartAsync(new EmbeddedGarnetOptions { DataDirectory = data }, loggerFactory, cancellationToken);
            connection = embedded.ConnectionString;
        }

        try
        {
            var hot = await RedisHotStore.ConnectAsync(
                new HotStoreOptions { ConnectionString = connection, KeyPrefix = options.KeyPrefix, HeartbeatTtl = options.HeartbeatTtl },
                time,
                loggerFactory,
                cancellationToken);
            return (embedded, hot);
        }
        catch
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled or the host is told to stop (SIGINT/SIGTERM), then shuts down cleanly.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = new TaskCompletionSource();
        using (lifetime.ApplicationStopping.Register(() => stopped.TrySetResult()))
        using (cancellationToken.Register(() => stopped.TrySetResult()))
        {
            await stopped.Task;
        }

        await DisposeAsync();
    }

    /// <summary>Stops the API and cycles, runs the final display sync, clears the crash mark, closes the stores, releases the lock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            _sync.Dispose();
            await _hot.DisposeAsync();
            if (_embedded is not null)
            {
                await _embedded.DisposeAsync();
            }

            await _cold.DisposeAsync();
            _lock.Dispose();
        }
    }

    // Recovery commits to git and marks Redis before Kestrel binds; find a taken port before any of that.
    private static void EnsurePortFree(HubOptions options)
    {
        if (options.Port == 0)
        {
            return;
        }

        var probe = new System.Net.Sockets.TcpListener(options.Bind == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Bind), options.Port);
        try
        {
            probe.Start();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw ThermoclineException.Unavailable($"port {options.Port} is in use on {options.Bind} by another program; pick another with --port (or THERMO_PORT).", ex);
        }
        finally
        {
            probe.Stop();
        }
    }

    // Built while the stores open: the container makes the state sync from them once they are (see HubStores), its meter
    // from the host's meter factory. The stores are not the container's: DisposeAsync closes them in order, after the
    // final display sync.
    private static WebApplication Build(HubOptions options, ILoggerFactory loggerFactory, TimeProvider time, Action<IServiceCollection> addStateSync)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "thermocline-hub" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton(time);
        addStateSync(builder.Services);
        builder.Services.AddHubTelemetry(options);
        builder.Services.AddSingleton(new HubStartTime(time.GetUtcNow()));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        // JSON answers are gzipped for a client that asks (a browser: /api/prs of 1,000 PRs is 385 KiB plain); the event
        // stream never is (text/event-stream is not among the types: a compressor would hold events back), nor the
        // board's files (served gzipped already).
        builder.Services.AddResponseCompression(o => o.EnableForHttps = false);
        builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        // Every error body is a problem document: the hub's own and unhandled exceptions through ApiExceptionHandler,
        // ASP.NET Core's bare statuses (unknown route, wrong method or content type) through the status code pages; all
        // shaped by ProblemShape. Minimal APIs answer a request they cannot bind (malformed JSON, a wrong query value)
        // with a bare 400 of their own; thrown instead, the handler says what was wrong with it.
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemShape.Customize);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.AllowTrailingCommas = false;
        });

        // MCP at /mcp (Streamable HTTP) for agents that speak it: the same state sync, behind the same token as /api.
        // Stateless: every tool call stands alone (a lease is the only session an agent needs), so no session outlives
        // a request and a restarted hub serves a client's next call as it would have served it before.
        builder.Services.AddMcpServer(o => o.ServerInfo = new ModelContextProtocol.Protocol.Implementation { Name = "thermocline-hub", Version = typeof(HubHost).Assembly.GetName().Version?.ToString() ?? "0" })
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<Mcp.HubTools>();

        // Recovery first, then the cycles; the host stops them in reverse order, so the final display sync runs last.
        builder.Services.AddHostedService<HubLifecycle>();
        builder.Services.AddHostedService<DisplaySyncCycle>();
        builder.Services.AddHostedService<HeartbeatSweepCycle>();
        builder.Services.AddHostedService<ReconciliationCycle>();
        builder.Services.AddHostedService<GitWatchCycle>();
        if (options.Remote is not null)
        {
            builder.Services.AddHostedService<RemoteFetchCycle>();
        }

        if (options.Advertise is not null)
        {
            builder.Services.AddHostedService<LeadershipCycle>();
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = HubDefaults.MaxRequestBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
            var ip = options.Bind == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Bind);
            k.Listen(ip, options.Port);
        });

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (options.IsLoopback)
        {
            app.UseMiddleware<LoopbackHostGuard>();
        }

        if (options.Token is { } token)
        {
            app.UseMiddleware<TokenAuth>(Encoding.UTF8.GetBytes(token));
        }

        if (options.Advertise is not null)
        {
            app.UseMiddleware<StandbyGuard>();
        }

        app.UseMiddleware<BufferedRequestBody>();
        app.UseResponseCompression();

        app.MapThermoclineApi();
        app.MapBoard(BoardAssets.Load(), options.Token);
        app.MapMcp("/mcp");
        app.MapGet("/healthz", (HttpContext context, CancellationToken cancellationToken) => HealthAsync(context.RequestServices.GetRequiredService<StateSync>(), options, context, cancellationToken));
        app.MapPrometheusScrapingEndpoint(HubTelemetry.MetricsPath);
        return app;
    }

    // Read fresh on every call: a person's broken commit, its fix, a merge in progress or a full disk show at once.
    private static async Task<IResult> HealthAsync(StateSync sync, HubOptions options, HttpContext context, CancellationToken cancellationToken)
    {
        var lifecycle = context.RequestServices.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<HubLifecycle>().FirstOrDefault();
        var health = await sync.GetHealthAsync(cancellationToken);
        var view = new HealthView(
            health.Status,
            health.WorkingDirectory ?? options.Repository,
            health.TaskListPath,
            health.TaskListProblem,
            health.RedisEndpoint,
            options.Redis is null,
            health.RedisDegraded,
            health.QueuedHotUpdates,
            health.GitDurable,
            context.RequestServices.GetRequiredService<HubStartTime>().At,
            lifecycle?.Report?.RecoveredFromCrash,
            lifecycle?.Report?.Duration.TotalMilliseconds)
        {
            Branch = health.Branch,
            Checkout = health.Checkout,
            CheckoutBusy = health.CheckoutBusy,
            GitProblem = health.GitProblem,
            OwesWorkingCopy = health.OwesWorkingCopy,
            Remote = health.Remote,
            RemoteProblem = health.RemoteProblem,
            Role = health.Role,
            ActiveHub = health.ActiveHub,
        };
        return Results.Json(view, statusCode: health.TaskListProblem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
