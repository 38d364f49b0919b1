namespace Thermocline.Cli;

/// <summary>
/// How something that runs later (a git hook, the merge driver, the demo's hub) starts this same <c>thermo</c>: the apphost's absolute path
/// when that is what runs (a hook's PATH may not be the shell's: a GUI client, an IDE, cron), else <c>dotnet</c> with
/// the absolute path of <c>thermo.dll</c> (run through <c>dotnet run</c> or <c>dotnet thermo.dll</c>), else — a
/// single-file build names no dll — <c>thermo</c> from PATH.
/// </summary>
internal static class ThermoProgram
{
    /// <summary>The words that start this thermo, program first.</summary>
    public static IReadOnlyList<string> Self()
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var name = Path.GetFileNameWithoutExtension(self);
        if (name == "thermo")
        {
            return [Path.GetFullPath(self)];
        }

        var dll = typeof(ThermoProgram).Assembly.Location;
        return dll.Length == 0 ? ["thermo"] : [name == "dotnet" ? self : FindOnPath("dotnet") ?? "dotnet", dll];
    }

    /// <summary>A process start of this thermo (see <see cref="Self"/>); the caller adds the command's arguments.</summary>
    public static System.Diagnostics.ProcessStartInfo StartInfo()
    {
        var words = Self();
        var start = new System.Diagnostics.ProcessStartInfo(words[0]) { UseShellExecute = false };
        foreach (var word in words.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        return start;
    }

    /// <summary>The full path of <paramref name="program"/> in a folder on PATH, or null.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? program + ".exe" : program))
            .FirstOrDefault(File.Exists);

    /// <summary>One word for sh: as it is when nothing in it is special, else in single quotes.</summary>
    public static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:@,=".Contains(c, StringComparison.Ordinal))
            ? argument
            : $"'{argument.Replace("'", @"'\''", StringComparison.Ordinal)}'";
}
