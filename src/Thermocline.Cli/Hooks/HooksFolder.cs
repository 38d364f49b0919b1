using Thermocline.ColdStore.Git;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Hooks;

/// <summary>Where git looks for a repository's hooks.</summary>
internal static class HooksFolder
{
    /// <summary>
    /// The hooks folder of the repository <paramref name="directory"/> is in, as git itself finds it
    /// (<c>git rev-parse --git-path hooks</c>): <c>core.hooksPath</c> when set (a relative one from the working tree's
    /// top level, <c>~</c> expanded), else the <c>hooks</c> folder of the common git directory, which every linked
    /// worktree shares. Not in a repository: a usage error (exit 2).
    /// </summary>
    public static async Task<string> ResolveAsync(string directory, CancellationToken cancellationToken)
    {
        var start = Path.GetFullPath(directory);
        if (!Directory.Exists(start))
        {
            throw ThermoclineException.Usage($"--repo {directory}: no such directory. Pass a folder inside a git repository.");
        }

        var result = await GitProcess.RunAsync(start, ["rev-parse", "--git-path", "hooks"], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw ThermoclineException.Usage(
                $"{start} is not inside a git repository ({result.Error.Trim()}); run this in your repository, or pass --repo DIR. Nothing was written.");
        }

        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(result.Out.TrimEnd('\r', '\n'), start));
    }
}
