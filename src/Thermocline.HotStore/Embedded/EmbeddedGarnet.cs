using System.Net;
using System.Net.Sockets;
using Garnet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Thermocline.Domain.Errors;
using Thermocline.HotStore.Logging;

namespace Thermocline.HotStore.Embedded;

/// <summary>
/// The zero-setup store: Garnet, in this process, on a loopback port. Lua runs in transaction mode, without which
/// Garnet's scripts are not atomic (see DEPENDENCIES.md); the console banner and Garnet's own logs are off. With a
/// <see cref="EmbeddedGarnetOptions.DataDirectory"/> it keeps an append-only log there (on the RandomAccess device,
/// the only one that works on Debian 12's glibc) and recovers from it at start.
/// </summary>
public sealed class EmbeddedGarnet : IAsyncDisposable
{
    private const int StartAttempts = 5;

    private readonly GarnetServer _server;
    private readonly ILogger _logger;

    private EmbeddedGarnet(GarnetServer server, int port, string? dataDirectory, ILogger logger)
    {
        _server = server;
        Port = port;
        DataDirectory = dataDirectory;
        _logger = logger;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Where it persists, or null when in memory only.</summary>
    public string? DataDirectory { get; }

    /// <summary>A connection string for <see cref="Connection.HotStoreOptions.ConnectionString"/>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts Garnet (a few hundred milliseconds the first time in a process) and returns once it listens.</summary>
    /// <exception cref="ThermoclineException"><see cref="ErrorKind.Unavailable"/> when it cannot start.</exception>
    public static Task<EmbeddedGarnet> StartAsync(EmbeddedGarnetOptions? options, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        options ??= new EmbeddedGarnetOptions();
        if (options.Port is < 0 or > 65535)
        {
            throw ThermoclineException.Usage($"Embedded store port {options.Port} is not a port number (0 picks a free one).");
        }

        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<EmbeddedGarnet>();

        // Garnet's start is synchronous and CPU-bound (allocating its log and index); keep it off the caller's thread.
        return Task.Run(() => Start(options, logger, cancellationToken), cancellationToken);
    }

    /// <summary>Stops the server and frees its port; with persistence, the log on disk stays.</summary>
    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        HotStoreLog.GarnetStopped(_logger, Port);
        return ValueTask.CompletedTask;
    }

    private static EmbeddedGarnet Start(EmbeddedGarnetOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < StartAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var port = options.Port != 0 ? options.Port : FreeLoopbackPort();
            GarnetServer? server = null;
            try
            {
                server = new GarnetServer(Arguments(options, port));
                server.Start();
                HotStoreLog.GarnetStarted(logger, port, options.DataDirectory ?? "none");
                return new EmbeddedGarnet(server, port, options.DataDirectory, logger);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Most likely the free port was taken between probing and binding; try another.
                server?.Dispose();
                last = e;
                if (options.Port != 0)
                {
                    break;
                }
            }
        }

        throw ThermoclineException.Unavailable($"The embedded store (Garnet) could not start: {last?.Message}", last);
    }

    private static string[] Arguments(EmbeddedGarnetOptions options, int port)
    {
        List<string> args =
        [
            "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--lua", "--lua-transaction-mode",
            "--index", options.IndexSize,
            "--logger-level", "None", "--disable-console-logger", "-q",
        ];
        if (options.DataDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            args.AddRange([
                "--aof", "--recover", "--storage-tier", "--device-type", "RandomAccess",
                "--checkpointdir", dir, "--logdir", dir,
            ]);
        }

        return [.. args];
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
