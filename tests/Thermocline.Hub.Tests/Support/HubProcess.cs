using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Thermocline.Hub.Tests.Support;

/// <summary>
/// A real <c>thermo hub --port 0 --json</c> process. <see cref="StartAsync"/> returns once it printed its JSON line
/// (it serves then); <see cref="TerminateAsync"/> sends SIGTERM and waits for the exit, <see cref="KillAsync"/> sends
/// SIGKILL. Disposing kills it by PID if it still runs, so no hub outlives its test.
/// </summary>
internal sealed class HubProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();
    private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    /// <summary>The address it printed, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>The address agents on this machine use (the printed one, with 0.0.0.0 replaced by 127.0.0.1).</summary>
    public string LocalUrl => Address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the hub wrote to stderr (its log) so far.</summary>
    public string Log
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Everything the hub wrote to stdout so far.</summary>
    public string Output
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Launches <c>thermo hub ARGS --port 0 --json</c> without waiting for it to serve.</summary>
    public static HubProcess Launch(string home, string repo, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var process = Process.Start(Thermo.StartInfo(home, repo, ["hub", "--repo", repo, "--port", "0", "--json", .. args], env))
            ?? throw new InvalidOperationException("could not start thermo hub");
        process.StandardInput.Close();
        var hub = new HubProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                hub._stderrDone.TrySetResult();
                return;
            }

            lock (hub._stderr)
            {
                hub._stderr.Append(e.Data).Append('\n');
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                hub._stdoutDone.TrySetResult();
                hub._firstLine.TrySetException(new InvalidOperationException("the hub closed stdout without printing its address"));
                return;
            }

            lock (hub._stdout)
            {
                hub._stdout.Append(e.Data).Append('\n');
            }

            hub._firstLine.TrySetResult(e.Data);
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return hub;
    }

    /// <summary>Launches a hub and waits until it serves; fails the test (with its log) when it exits instead.</summary>
    public static async Task<HubProcess> StartAsync(string home, string repo, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var hub = Launch(home, repo, args, env);
        try
        {
            await hub.WaitServingAsync();
            return hub;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the JSON line <c>{"address":…,"pid":…}</c> that says the hub serves.</summary>
    public async Task WaitServingAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_firstLine.Task, exited, Task.Delay(StartLimit));
        if (first != _firstLine.Task || _firstLine.Task.IsFaulted)
        {
            if (exited.IsCompleted)
            {
                await Task.WhenAll(_stderrDone.Task, _stdoutDone.Task);
            }

            Assert.Fail($"the hub did not start serving (exited: {_process.HasExited}{(_process.HasExited ? $", code {_process.ExitCode}" : "")}); log:\n{Log}");
        }

        var line = await _firstLine.Task;
        using var json = JsonDocument.Parse(line);
        Address = json.RootElement.GetProperty("address").GetString()!;
        Assert.Equal(Pid, json.RootElement.GetProperty("pid").GetInt32());
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var limit = new CancellationTokenSource(StartLimit);
        await _process.WaitForExitAsync(limit.Token);
        await Task.WhenAll(_stderrDone.Task, _stdoutDone.Task);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, then waits (bounded generously, so a hang fails rather than blocks) for the exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        await Thermo.SendSigtermAsync(Pid);
        using var limit = new CancellationTokenSource(StopLimit);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the hub did not stop within {StopLimit.TotalSeconds} s of SIGTERM; log:\n{Log}");
        }

        await Task.WhenAll(_stderrDone.Task, _stdoutDone.Task);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
