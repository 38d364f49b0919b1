using System.Diagnostics;
using System.Text;

namespace Thermocline.Hub.Tests.Support;

/// <summary>The outcome of one run of the real <c>thermo</c> binary.</summary>
internal sealed record ThermoRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the real <c>thermo</c> binary (<c>dotnet thermo.dll</c> from the test output folder) as a child process with an
/// isolated environment: HOME and git's global/system configuration point into the test's own home directory, no THERMO_*
/// variable leaks in from the machine, and only the variables a test passes are set.
/// </summary>
internal static class Thermo
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "thermo.dll");

    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>A start description for <c>thermo ARGS</c>, isolated as described above.</summary>
    public static ProcessStartInfo StartInfo(string home, string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("THERMO_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["HOME"] = home;
        info.Environment["XDG_CONFIG_HOME"] = home;
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_CONFIG_GLOBAL"] = Path.Combine(home, ".gitconfig");
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["LC_ALL"] = "C";
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>Runs <c>thermo ARGS</c> to completion and returns its exit code and output.</summary>
    public static Task<ThermoRun> RunAsync(string home, string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        RunToEndAsync(StartInfo(home, workingDirectory, args, env), $"thermo {string.Join(' ', args)}");

    /// <summary>Runs a child process to completion (stdin closed) within a minute; fails the test, naming <paramref name="what"/>, when it does not finish.</summary>
    public static async Task<ThermoRun> RunToEndAsync(ProcessStartInfo info, string what)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {what}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(RunLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{what} did not finish within {RunLimit.TotalSeconds} s; stderr: {await stderr}");
        }

        return new ThermoRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends SIGTERM to <paramref name="pid"/> (through <c>kill</c>: .NET's Process.Kill only sends SIGKILL).</summary>
    public static async Task SendSigtermAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start kill");
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
