using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Thermocline.Benchmarks;

/// <summary>A plain redis-server on a free loopback port for the hot benchmark (no persistence); killed by PID.</summary>
internal sealed class HotRedisProcess : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

    private readonly Process _process;
    private readonly string _dir;

    private HotRedisProcess(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<HotRedisProcess> StartAsync(CancellationToken cancellationToken)
    {
        var exe = Candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server not found: install it (apt-get install -y redis-server)");
        var dir = Directory.CreateTempSubdirectory("thermocline-bench-redis-").FullName;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in (string[])["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir])
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        for (var i = 0; i < 500; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return new HotRedisProcess(process, dir, port);
            }
            catch (SocketException)
            {
                await Task.Delay(10, cancellationToken);
            }
        }

        process.Kill();
        throw new InvalidOperationException("redis-server did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
