using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Demo;

/// <summary>
/// A <c>thermo hub --port 0 --json</c> child process — the demo's, and the one every test that runs the real hub uses.
/// <see cref="WaitServingAsync"/> returns once it printed its JSON line (it serves then); <see cref="TerminateAsync"/>
/// sends SIGTERM and waits for the exit, <see cref="KillAsync"/> sends SIGKILL (a crash). Disposing kills it if it still
/// runs, so no hub outlives its owner. Its log (stderr) and output are kept.
/// </summary>
internal sealed class HubProcess : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();
    private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>The address it printed, e.g. <c>http://127.0.0.1:41234</c> (empty until it serves).</summary>
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

    /// <summary>The demo's hub: this very <c>thermo</c> running <c>hub</c> on <paramref name="repository"/>, serving.</summary>
    public static async Task<HubProcess> StartAsync(string repository, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = ThermoProgram.StartInfo();
        foreach (var arg in new[] { "hub", "--repo", repository, "--port", "0", "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var hub = Launch(start);
        try
        {
            await hub.WaitServingAsync(cancellationToken);
            return hub;
        }
        catch
        {
            await hub.DisposeAsync(); // never leave a hub running behind a failed start
            throw;
        }
    }

    /// <summary>Starts <paramref name="start"/> (a <c>thermo hub … --json</c>) without waiting for it to serve.</summary>
    public static HubProcess Launch(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        var process = Process.Start(start) ?? throw ThermoclineException.Failure("could not start a hub process.");
        process.StandardInput.Close();
        var hub = new HubProcess(process);
        process.ErrorDataReceived += (_, e) => Received(e.Data, hub._stderr, hub._stderrDone);
        process.OutputDataReceived += (_, e) =>
        {
            Received(e.Data, hub._stdout, hub._stdoutDone);
            if (e.Data is null)
            {
                hub._firstLine.TrySetException(new InvalidOperationException("the hub closed stdout without printing its address"));
            }
            else
            {
                hub._firstLine.TrySetResult(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return hub;
    }

    /// <summary>Waits for the JSON line <c>{"address":…,"pid":…}</c> that says the hub serves; throws, with its log, when it exits instead or takes a minute.</summary>
    public async Task WaitServingAsync(CancellationToken cancellationToken = default)
    {
        var exited = _process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(_firstLine.Task, exited, Task.Delay(StartLimit, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        if (first != _firstLine.Task || _firstLine.Task.IsFaulted)
        {
            // Closed stdout without the line: it is dying (a failpoint, a bad setting); say how it ended.
            using var dying = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(dying.Token);
                await Task.WhenAll(_stderrDone.Task, _stdoutDone.Task);
            }
            catch (OperationCanceledException)
            {
                throw ThermoclineException.Failure($"the hub did not start serving within {StartLimit.TotalSeconds} s; its log:{Environment.NewLine}{Log}");
            }

            throw ThermoclineException.Failure($"the hub exited with {_process.ExitCode} before serving; its log:{Environment.NewLine}{Log}");
        }

        using var json = JsonDocument.Parse(await _firstLine.Task);
        Address = json.RootElement.GetProperty("address").GetString()!;
        if (json.RootElement.GetProperty("pid").GetInt32() != Pid)
        {
            throw ThermoclineException.Failure($"the hub printed pid {json.RootElement.GetProperty("pid").GetInt32()}, not {Pid}: another process answered.");
        }
    }

    /// <summary>Waits for the process to end by itself (e.g. when a failpoint kills it); returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartLimit);
        await _process.WaitForExitAsync(limit.Token);
        await Task.WhenAll(_stderrDone.Task, _stdoutDone.Task);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM (what a service manager sends), then waits — bounded, so a hang fails rather than blocks — for the exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            await kill!.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(StopLimit);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw ThermoclineException.Failure($"the hub did not stop within {StopLimit.TotalSeconds} s of SIGTERM; its log:{Environment.NewLine}{Log}");
        }

        await Task.WhenAll(_stderrDone.Task, _stdoutDone.Task);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }

        _process.Dispose();
    }

    private static void Received(string? line, StringBuilder into, TaskCompletionSource done)
    {
        if (line is null)
        {
            done.TrySetResult();
            return;
        }

        lock (into)
        {
            into.Append(line).Append('\n');
        }
    }
}
