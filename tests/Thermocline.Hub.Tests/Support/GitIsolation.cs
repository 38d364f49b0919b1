using System.Runtime.CompilerServices;
using LibGit2Sharp;

namespace Thermocline.Hub.Tests.Support;

/// <summary>Points libgit2's global, XDG, system and program-data config search paths at an empty directory, once per test process (for in-process hubs).</summary>
internal static class GitIsolation
{
    [ModuleInitializer]
    internal static void Isolate()
    {
        var empty = Path.Combine(Path.GetTempPath(), "thermocline-empty-git-config");
        Directory.CreateDirectory(empty);
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System, ConfigurationLevel.ProgramData })
        {
            GlobalSettings.SetConfigSearchPaths(level, empty);
        }
    }
}
