using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Demo;

/// <summary>A <c>thermo hub</c> child process: started, killed (SIGKILL, as a crash) or stopped (SIGTERM).</summary>
internal sealed class HubProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private HubProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; private set; }

    public int Pid => _process.Id;

    /// <summary>The hub's log lines (stderr) so far.</summary>
    public IEnumerable<string> Log => _log;

    public static async Task<HubProcess> StartAsync(string repository, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = SelfStartInfo();
        foreach (var arg in new[] { "hub", "--repo", repository, "--port", "0", "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw ThermoclineException.Failure("could not start a hub process.");
        var hub = new HubProcess(process, new Uri("http://127.0.0.1"));
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                hub._log.Enqueue(e.Data);
            }
        };
        process.BeginErrorReadLine();

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw ThermoclineException.Failure($"the hub exited with {process.ExitCode} before serving:{Environment.NewLine}{string.Join(Environment.NewLine, hub._log)}");
            }

            using var json = JsonDocument.Parse(line);
            hub.Address = new Uri(json.RootElement.GetProperty("address").GetString()!);
            return hub;
        }
        catch
        {
            // Never leave a hub running behind a failed start.
            hub.Dispose();
            throw;
        }
    }

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to end (e.g. when a failpoint kills it).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>SIGKILL: no clean shutdown, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the hub shuts down cleanly; returns its exit code.</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken)
    {
        if (SendSigterm(_process.Id) != 0)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    /// <summary>How to start this same <c>thermo</c>: the apphost itself, or <c>dotnet thermo.dll</c>.</summary>
    internal static ProcessStartInfo SelfStartInfo()
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var name = Path.GetFileNameWithoutExtension(self);
        if (name == "thermo")
        {
            return new ProcessStartInfo(self) { UseShellExecute = false };
        }

        var start = new ProcessStartInfo(name == "dotnet" ? self : "dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(typeof(HubProcess).Assembly.Location);
        return start;
    }

    // .NET's Process.Kill is SIGKILL only; kill(1) sends the SIGTERM a service manager would.
    private static int SendSigterm(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            return -1;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
        kill!.WaitForExit();
        return kill.ExitCode;
    }
}
