using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Setup;

/// <summary>The repository <c>thermo setup</c> works on and the agents file in it.</summary>
/// <param name="Repository">The top level of the git working tree, without a trailing separator.</param>
/// <param name="File">The agents file's full path.</param>
internal sealed record AgentsFileTarget(string Repository, string File)
{
    /// <summary>The agents file when <c>--agents-file</c> is not given, at the repository's top level.</summary>
    public const string DefaultFile = "AGENTS.md";

    /// <summary>
    /// The working tree <paramref name="directory"/> is in (its top level, found as git finds it), and
    /// <paramref name="agentsFile"/> resolved against that top level. Not in a working tree: a usage error.
    /// </summary>
    public static AgentsFileTarget Resolve(string directory, string agentsFile)
    {
        var start = Path.GetFullPath(directory);
        if (!Directory.Exists(start))
        {
            throw ThermoclineException.Usage($"--repo {directory}: no such directory. Pass a folder inside a git working tree.");
        }

        var top = LibGit2Sharp.Repository.Discover(start) is { } gitDir ? WorkingDirectory(gitDir) : null;
        if (top is null)
        {
            throw ThermoclineException.Usage(
                $"{start} is not inside a git working tree; run thermo setup in your repository (or pass --repo DIR), or create one with 'thermo init'.");
        }

        top = Path.TrimEndingDirectorySeparator(top);
        return new(top, Path.GetFullPath(agentsFile, top));
    }

    private static string? WorkingDirectory(string gitDir)
    {
        using var repo = new LibGit2Sharp.Repository(gitDir);
        return repo.Info.WorkingDirectory;
    }
}
