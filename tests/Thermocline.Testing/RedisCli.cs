using System.Diagnostics;

namespace Thermocline.Testing;

/// <summary>Runs <c>redis-cli</c> on loopback: what the cluster and sentinel fixtures ask their nodes.</summary>
internal static class RedisCli
{
    /// <summary>The message given when redis-cli is missing.</summary>
    public const string NotFoundMessage = "redis-cli not found: install it (apt-get install -y redis-server, which brings redis-tools) or run scripts/test.sh";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs redis-cli with <paramref name="arguments"/> (against 127.0.0.1) and returns its output, trimmed.</summary>
    /// <exception cref="InvalidOperationException">redis-cli is missing, failed, or took longer than 30 s.</exception>
    public static async Task<string> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = Find() ?? throw new InvalidOperationException(NotFoundMessage);
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-h");
        info.ArgumentList.Add("127.0.0.1");
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} did not finish within {Timeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error} {await output}");
        }

        return (await output).Trim();
    }

    private static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin")
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, "redis-cli")).FirstOrDefault(File.Exists);
    }
}
