using System.Text.Json;

namespace Thermocline.Hub.Tests.Support;

/// <summary>
/// The MCP Inspector's command-line mode (<c>mcp-inspector --cli</c>, npm <c>@modelcontextprotocol/inspector</c>, pinned in
/// <c>tests/mcp-inspector</c> and installed there by <c>scripts/test.sh</c>): one run is one connection, one
/// <c>initialize</c> and one method, whose result it prints as JSON on stdout. It runs in <see cref="Thermo"/>'s isolated
/// environment, which it hands on to a server command it starts.
/// </summary>
internal static class McpInspector
{

    /// <summary>The package folder, beside the solution.</summary>
    public static string? Folder { get; } = LocateFolder();

    /// <summary>The launcher the package's <c>mcp-inspector</c> bin links to, or null when it is not installed.</summary>
    public static string? Launcher { get; } = LocateLauncher();

    /// <summary><c>node</c> on PATH (the launcher starts the CLI with <c>node</c> by name too), or null.</summary>
    public static string? Node { get; } = FindOnPath("node");

    /// <summary>Why the inspector cannot run here, or null when it can.</summary>
    public static string? Missing => (Node, Launcher) switch
    {
        (null, _) => "node not found on PATH (install Node.js 20 or later, then run scripts/test.sh)",
        (_, null) => "the MCP Inspector is not installed: run 'npm ci --prefix tests/mcp-inspector' (scripts/test.sh does it when npm is there)",
        _ => null,
    };

    /// <summary>Fails the test, saying what is missing, when the inspector cannot run (a skip outside CI comes first).</summary>
    public static void Require()
    {
        if (Missing is { } missing)
        {
            Assert.Fail($"the MCP Inspector is required (CI=true): {missing}");
        }
    }

    /// <summary>
    /// Runs <c>mcp-inspector --cli ARGS</c> and returns its JSON result; fails the test, showing the run, when it exits
    /// with anything but 0 or prints something that is not JSON. <paramref name="args"/> hold the target (a URL, or a
    /// command and its arguments) and the method's options.
    /// </summary>
    public static async Task<JsonElement> RunAsync(string home, string workingDirectory, params string[] args)
    {
        Require();

        var info = Thermo.StartInfo(home, workingDirectory, []);
        info.FileName = Node!;
        info.ArgumentList.Clear();
        foreach (var arg in (string[])[Launcher!, "--cli", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        var what = $"mcp-inspector --cli {string.Join(' ', args)}";
        var result = await Thermo.RunToEndAsync(info, what);
        var run = $"{what}: {result}";
        Assert.True(result.ExitCode == 0, run);
        try
        {
            return JsonDocument.Parse(result.Out).RootElement.Clone();
        }
        catch (JsonException e)
        {
            Assert.Fail($"not JSON ({e.Message}): {run}");
            throw;
        }
    }

    private static string? LocateFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Thermocline.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "mcp-inspector");
            }
        }

        return null;
    }

    private static string? LocateLauncher()
    {
        var launcher = Folder is null ? null : Path.Combine(Folder, "node_modules", "@modelcontextprotocol", "inspector", "cli", "build", "cli.js");
        return File.Exists(launcher) ? launcher : null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
