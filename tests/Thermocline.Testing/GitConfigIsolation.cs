using LibGit2Sharp;

namespace Thermocline.Testing;

/// <summary>
/// Points libgit2's global, XDG, system and program-data config search paths at an empty directory, so tests that use
/// LibGit2Sharp in-process never read the machine's git configuration. Call once per test assembly (a module
/// initializer does it).
/// </summary>
public static class GitConfigIsolation
{
    public static void Apply()
    {
        var empty = Path.Combine(Path.GetTempPath(), "thermocline-empty-git-config");
        Directory.CreateDirectory(empty);
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System, ConfigurationLevel.ProgramData })
        {
            GlobalSettings.SetConfigSearchPaths(level, empty);
        }
    }
}
