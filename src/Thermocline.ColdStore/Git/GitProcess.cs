using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Runs the <c>git</c> command line. What only git itself knows is asked of git rather than re-implemented: where its
/// hooks live, how it parses trailers, which commits a push sends, and how to reach a remote (its transports, URL
/// rewrites, credential helpers and ssh configuration) — whatever git decides is what Thermocline follows.
/// </summary>
public static class GitProcess
{
    /// <summary>What one run of git gave back.</summary>
    /// <param name="ExitCode">git's exit code; -1 when it was stopped for taking longer than its timeout.</param>
    /// <param name="Out">Standard output.</param>
    /// <param name="Error">Standard error.</param>
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>True when git was stopped for taking longer than it was given.</summary>
        public bool TimedOut => ExitCode == -1;
    }

    /// <summary>Runs <c>git ARGS</c> in <paramref name="directory"/>; throws when git cannot be started, never on its exit code.</summary>
    public static Task<Result> RunAsync(string directory, IEnumerable<string> args, CancellationToken cancellationToken) =>
        RunAsync(directory, args, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// Runs <c>git ARGS</c> in <paramref name="directory"/>, stopping it (and what it started: ssh, a credential helper)
    /// after <paramref name="timeout"/>, which gives <see cref="Result.TimedOut"/>. git never asks a terminal for a
    /// password here (<c>GIT_TERMINAL_PROMPT=0</c>, ssh in batch mode unless <c>GIT_SSH_COMMAND</c> is set): a hub has no
    /// one to answer, so a missing credential fails at once.
    /// </summary>
    public static async Task<Result> RunAsync(string directory, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
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
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        // git's own words, untranslated: the hub reads some of them (a push's rejection reasons).
        start.Environment["LC_ALL"] = "C";
        start.Environment.Remove("LANGUAGE");
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GIT_SSH_COMMAND")))
        {
            start.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes";
        }

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
            var output = git.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = git.StandardError.ReadToEndAsync(CancellationToken.None);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                limit.CancelAfter(timeout);
            }

            try
            {
                await git.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                Stop(git);
                cancellationToken.ThrowIfCancellationRequested();
                return new(-1, await output, await error);
            }

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

    private static void Stop(Process git)
    {
        try
        {
            git.Kill(entireProcessTree: true);
            git.WaitForExit(2000);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // It ended on its own meanwhile.
        }
    }
}
