using System.Diagnostics;

namespace Thermocline.Cli.MergeDriver;

/// <summary>
/// The whole-file merge the driver falls back to when it cannot merge by block (an input that does not parse, a file too
/// large, anything unexpected): <c>git merge-file -L ours -L base -L theirs</c>, which writes into ours what git's own
/// text merge would, conflict markers included, and exits with the number of conflicts. Nothing is lost either way: git
/// also keeps all three versions in the index until the conflict is resolved.
/// </summary>
internal static class MergeFileFallback
{
    /// <summary>Runs it; the exit code to give git (0 clean, else conflicts or a failure).</summary>
    public static async Task<int> RunAsync(string ancestor, string ours, string theirs, TextWriter error, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", ours, ancestor, theirs })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var git = Process.Start(start);
            if (git is null)
            {
                await error.WriteLineAsync("thermo merge-driver: could not start 'git merge-file'; our version was left as it was (git keeps theirs in the index).");
                return 1;
            }

            var stderr = await git.StandardError.ReadToEndAsync(cancellationToken);
            await git.WaitForExitAsync(cancellationToken);
            if (stderr.Length > 0)
            {
                await error.WriteAsync(stderr);
            }

            return git.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            await error.WriteLineAsync($"thermo merge-driver: could not run 'git merge-file' ({ex.Message}); our version was left as it was (git keeps theirs in the index).");
            return 1;
        }
    }
}
