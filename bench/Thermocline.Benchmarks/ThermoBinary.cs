namespace Thermocline.Benchmarks;

/// <summary>
/// The <c>thermo</c> the process-level benchmarks start: <c>--thermo PATH</c> (a thermo.dll), else <c>THERMO_DLL</c>,
/// else <c>artifacts/thermo/thermo.dll</c> (the README's publish command, ReadyToRun), else the JIT-only build copied
/// beside this benchmark; run through <see cref="Dotnet"/>.
/// </summary>
internal static class ThermoBinary
{
    /// <summary>The <c>dotnet</c> host every child process runs through (the SDK's, when it says where it is).</summary>
    public static string Dotnet { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The thermo.dll to run and how it was found.</summary>
    public static (string Path, string How) Find(IReadOnlyList<string> args)
    {
        var flag = args.ToList().IndexOf("--thermo");
        if (flag >= 0 && flag + 1 < args.Count)
        {
            return (System.IO.Path.GetFullPath(args[flag + 1]), "--thermo");
        }

        if (Environment.GetEnvironmentVariable("THERMO_DLL") is { Length: > 0 } env)
        {
            return (System.IO.Path.GetFullPath(env), "THERMO_DLL");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var published = System.IO.Path.Combine(dir.FullName, "artifacts", "thermo", "thermo.dll");
            if (File.Exists(published))
            {
                return (published, "published folder");
            }
        }

        Console.WriteLine("warning: no published thermo (dotnet publish src/Thermocline.Cli -c Release -r linux-x64 -o artifacts/thermo); measuring the JIT-only build beside the benchmark.");
        return (System.IO.Path.Combine(AppContext.BaseDirectory, "thermo.dll"), "build output");
    }
}
