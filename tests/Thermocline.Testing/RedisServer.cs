using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Thermocline.Testing;

/// <summary>
/// A real <c>redis-server</c> process on a free loopback port, in its own temporary directory, with no snapshots
/// (<c>--save ""</c>) and, unless asked, no append-only file. It can be killed and restarted on the same port (and,
/// with <c>appendOnly</c>, the same data). Disposing kills it by PID and deletes the directory.
/// Without redis-server installed, <see cref="StartAsync(bool, CancellationToken)"/> throws: tests fail rather than skip.
/// <para>
/// A test process that is itself killed (a CI timeout, Ctrl+C) cannot dispose its servers. So each server's directory
/// records the test process that owns it and the server's pid; every start first stops the servers of owners that are
/// gone (<see cref="ReapOrphans"/>), so an aborted run leaves no redis-server behind for long.
/// </para>
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The message given when redis-server is missing.</summary>
    public const string NotFoundMessage = "redis-server not found: install it (apt-get install -y redis-server) or run scripts/test.sh";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _executable;
    private readonly RedisServerSetup _setup;
    private Process? _process;

    private RedisServer(string executable, string directory, int port, RedisServerSetup setup)
    {
        _executable = executable;
        Directory = directory;
        Port = port;
        _setup = setup;
    }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The server's working directory.</summary>
    public string Directory { get; }

    /// <summary>A StackExchange.Redis connection string for it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The process id while it runs.</summary>
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>
    /// Starts a server and waits until it answers PING. With <paramref name="appendOnly"/> every write is fsynced to an
    /// append-only file, so a kill and restart keeps acknowledged data.
    /// </summary>
    public static Task<RedisServer> StartAsync(bool appendOnly = false, CancellationToken cancellationToken = default) =>
        StartAsync(new RedisServerSetup { AppendOnly = appendOnly }, cancellationToken);

    /// <summary>Starts a server set up as <paramref name="setup"/> says (a cluster node, a sentinel) and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartAsync(RedisServerSetup setup, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var executable = FindExecutable() ?? throw new InvalidOperationException(NotFoundMessage);
        ReapOrphans();
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var dir = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, OwnerFile), OwnerRecord(Environment.ProcessId, ProcessStart(Environment.ProcessId)), cancellationToken);
            var server = new RedisServer(executable, dir, setup.ClusterBus ? FreeClusterPort() : FreeLoopbackPort(), setup);
            try
            {
                await server.RestartAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException e)
            {
                // Most likely the port was taken between probing and binding: another port, another try.
                last = e;
                await server.DisposeAsync();
            }
        }

        throw new InvalidOperationException($"redis-server did not start: {last?.Message}", last);
    }

    /// <summary>Kills the process (SIGKILL: no shutdown save) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { } p)
        {
            if (!p.HasExited)
            {
                p.Kill();
            }

            await p.WaitForExitAsync();
            p.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts the process (again) on the same port and directory, and waits until it answers PING.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await KillAsync();
        var info = new ProcessStartInfo(_executable)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_setup.ConfigFile is { } config)
        {
            // A config file the server may rewrite (a sentinel records what it learns there), written once.
            var path = Path.Combine(Directory, "server.conf");
            if (!File.Exists(path))
            {
                await File.WriteAllTextAsync(path, config(Port), cancellationToken);
            }

            info.ArgumentList.Add(path);
        }

        foreach (var arg in (string[])["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", Directory, "--logfile", Path.Combine(Directory, "redis.log"), "--pidfile", Path.Combine(Directory, PidFile)])
        {
            info.ArgumentList.Add(arg);
        }

        if (!_setup.Sentinel)
        {
            foreach (var arg in (string[])["--save", "", "--appendonly", _setup.AppendOnly ? "yes" : "no", "--appendfsync", "always", "--protected-mode", "yes"])
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in _setup.Arguments)
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");

        // Drained so the pipes never fill; the server writes its log to redis.log.
        _ = _process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _ = _process.StandardError.ReadToEndAsync(CancellationToken.None);

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {ReadLog()}");
            }

            if (await AnswersPingAsync(cancellationToken))
            {
                return;
            }

            await Task.Delay(20, cancellationToken);
        }

        await KillAsync();
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartTimeout}: {ReadLog()}");
    }

    /// <summary>Kills the process and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private const string DirectoryPrefix = "thermocline-redis-";
    private const string OwnerFile = "owner";
    private const string PidFile = "redis.pid";

    /// <summary>
    /// Stops the redis-servers of test processes that are gone and deletes their directories. A server is only killed when
    /// its owner is provably gone (no such process, or one that started at another time) and its pid file names a
    /// redis-server.
    /// </summary>
    /// <returns>How many servers were stopped.</returns>
    public static int ReapOrphans()
    {
        var reaped = 0;
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            try
            {
                var owner = File.ReadAllText(Path.Combine(dir, OwnerFile)).Split(' ');
                if (owner.Length != 2 || !int.TryParse(owner[0], out var ownerPid) || !long.TryParse(owner[1], out var ownerStart)
                    || IsSameStart(ProcessStart(ownerPid), ownerStart))
                {
                    continue; // unreadable, or its test process still runs
                }

                var pidFile = Path.Combine(dir, PidFile);
                if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && IsRedisServer(pid))
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                    process.WaitForExit(5_000);
                    reaped++;
                }

                System.IO.Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Not ours to judge, or gone meanwhile: the next start looks again.
            }
        }

        return reaped;
    }

    /// <summary>What the owner file says: the pid and its start time, so a reused pid is not taken for the owner.</summary>
    public static string OwnerRecord(int pid, long? start) => $"{pid} {start ?? 0}";

    // A process's start time, as two processes read it, differs by a few milliseconds (.NET derives it from the boot time
    // each process computes for itself): the same start within a second, as the hub's own lock markers judge it. Exact
    // equality made two test processes running at once (Stryker runs two) take each other's servers for orphans.
    internal static bool IsSameStart(long? start, long recorded) =>
        start is { } ticks && Math.Abs(ticks - recorded) < TimeSpan.TicksPerSecond;

    // The process's start time in ticks, or null when there is no such process.
    private static long? ProcessStart(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsRedisServer(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName.StartsWith("redis-server", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string ReadLog()
    {
        var log = Path.Combine(Directory, "redis.log");
        return File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(5)) : "(no log)";
    }

    private static string? FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    // A port below 55535 whose cluster-bus port (+10000) is free too: ephemeral ports go up to 60999.
    private static int FreeClusterPort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 45_535);
            if (IsFree(port) && IsFree(port + 10_000))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free loopback port pair P, P+10000 below 55535 for a cluster node: too many ports in use");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
