using System.Diagnostics;
using System.Text;

namespace Thermocline.Hub.Tests.Support;

/// <summary>git in a folder of a <see cref="HubWorld"/> other than its repository (a clone, a bare remote), isolated like the world's own.</summary>
internal static class WorldGit
{
    /// <summary>Runs git ARGS in <paramref name="directory"/> with HOME and the global config in the world's home, no THERMO_ variables but <paramref name="env"/>'s.</summary>
    public static (int ExitCode, string Out, string Error) Run(HubWorld world, string directory, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8 };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("THERMO_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["HOME"] = world.Repo.ConfigHome;
        start.Environment["XDG_CONFIG_HOME"] = world.Repo.ConfigHome;
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = Path.Combine(world.Repo.ConfigHome, ".gitconfig");
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["LC_ALL"] = "C";
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        using var git = Process.Start(start)!;
        var error = git.StandardError.ReadToEndAsync();
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        return (git.ExitCode, output, error.GetAwaiter().GetResult());
    }
}
