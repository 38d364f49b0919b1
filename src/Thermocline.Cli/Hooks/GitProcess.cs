using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Hooks;

/// <summary>
/// Runs the <c>git</c> command line. The hooks and the push check ask git itself (where its hooks live, how it parses
/// trailers, which commits a push sends) rather than re-implement its rules: whatever git decides is what they follow.
/// </summary>
internal static class GitProcess
{
    /// <summary>What one run of git gave back.</summary>
    public sealed record Result(int ExitCode, string Out, string Error);

    /// <summary>Runs <c>git ARGS</c> in <paramref name="directory"/>; throws when git cannot be started, never on its exit code.</summary>
    public static async Task<Result> RunAsync(string directory, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        Process git;
        try
        {
            git = Process.Start(start) ?? throw ThermoclineException.Unavailable("could not start git.");
        }
        catch (Win32Exception ex)
        {
            throw ThermoclineException.Unavailable($"could not run git ({ex.Message}); is it installed and on PATH?", ex);
        }

        using (git)
        {
            git.StandardInput.Close();
            var output = git.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = git.StandardError.ReadToEndAsync(cancellationToken);
            await git.WaitForExitAsync(cancellationToken);
            return new(git.ExitCode, await output, await error);
        }
    }

    /// <summary>The value git config gives <paramref name="key"/> in <paramref name="directory"/>'s repository, trimmed; null when unset.</summary>
    public static async Task<string?> ConfigAsync(string directory, string key, CancellationToken cancellationToken)
    {
        var result = await RunAsync(directory, ["config", "--get", key], cancellationToken);
        return result.ExitCode == 0 ? result.Out.Trim() : null;
    }

    /// <summary>Runs git and returns its output; a non-zero exit becomes a failure that says what git said.</summary>
    public static async Task<string> OutputAsync(string directory, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await RunAsync(directory, args, cancellationToken);
        return result.ExitCode == 0
            ? result.Out
            : throw ThermoclineException.Failure($"git {string.Join(' ', args)} failed (exit {result.ExitCode}): {result.Error.Trim()}");
    }
}
