using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Units;

/// <summary>The test helper stops redis-servers left by a killed test run, and only those.</summary>
public sealed class RedisServerReapTests
{
    [Fact]
    public async Task ReapOrphans_ServerOfAGoneTestProcess_IsStoppedAndItsDirectoryRemoved()
    {
        var dir = Path.Combine(Path.GetTempPath(), "thermocline-redis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--pidfile", Path.Combine(dir, "redis.pid"), "--logfile", Path.Combine(dir, "redis.log")])
        {
            info.ArgumentList.Add(a);
        }

        using var orphan = Process.Start(info)!;
        try
        {
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(dir, "redis.pid")), "the orphan wrote its pid file");

            // Owned by a gone process only now: a server started meanwhile by a test running in parallel reaps too, and
            // must not take the directory before the orphan wrote its pid file. Which reap stops it is not the point.
            await File.WriteAllTextAsync(Path.Combine(dir, "owner"), RedisServer.OwnerRecord(999_999_999, 1));
            RedisServer.ReapOrphans();

            Assert.True(orphan.WaitForExit(5_000), "the orphaned redis-server was stopped");
            Assert.False(Directory.Exists(dir));
        }
        finally
        {
            if (!orphan.HasExited)
            {
                orphan.Kill();
            }
        }
    }

    [Fact]
    public async Task ReapOrphans_ServerOfAnotherLiveTestProcess_KeepsRunning()
    {
        // Another test process (Stryker runs two at once) wrote the owner record with the start time it read for itself;
        // this process reads that start a few milliseconds apart. Such a server is not an orphan.
        await using var server = await RedisServer.StartAsync();
        using var owner = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var start = owner.StartTime.ToUniversalTime().Ticks + (3 * TimeSpan.TicksPerMillisecond);
            await File.WriteAllTextAsync(Path.Combine(server.Directory, "owner"), RedisServer.OwnerRecord(owner.Id, start));

            RedisServer.ReapOrphans();

            Assert.True(server.IsRunning, "a server whose owner still runs was taken for an orphan");
            Assert.True(Directory.Exists(server.Directory));
        }
        finally
        {
            owner.Kill();
        }
    }

    [Fact]
    public async Task ReapOrphans_ServerOfThisTestProcess_KeepsRunning()
    {
        await using var server = await RedisServer.StartAsync();

        RedisServer.ReapOrphans();

        Assert.True(server.IsRunning);
        Assert.True(Directory.Exists(server.Directory));
    }
}
