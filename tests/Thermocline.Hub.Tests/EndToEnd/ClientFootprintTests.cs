using System.Text.Json;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// An agent command is one short process: the real <c>thermo</c> binary, run against a real hub with a startup hook that
/// lists the assemblies the process loaded, must load none of the hub (its host, Kestrel, the stores, git, Garnet) and no
/// reflection-emitting JSON. The hub process, listed the same way, shows that the hook sees what it is there to see.
/// </summary>
public sealed class ClientFootprintTests
{
    private static readonly string Hook = Path.Combine(AppContext.BaseDirectory, "Thermocline.Testing.LoadedAssemblies.dll");

    private static readonly string[] HubOnly =
    [
        "Thermocline.Hub", "Thermocline.Sync", "Thermocline.HotStore", "Thermocline.ColdStore", "LibGit2Sharp", "StackExchange.Redis",
        "YamlDotNet", "Microsoft.Extensions.Hosting", "System.Reflection.Emit", "System.Reflection.Emit.ILGeneration", "System.Reflection.Emit.Lightweight",

        // An http:// hub is reached over a plain socket (PlainHttp): HttpClient's first request costs more than the command.
        "System.Net.Http",
    ];

    private static readonly string[] HubOnlyPrefixes = ["Microsoft.AspNetCore.", "Garnet.", "Tsavorite."];

    [Fact]
    public async Task AgentCommands_AgainstARealHub_LoadNothingOfTheHub()
    {
        await using var world = HubWorld.Create(Store.Embedded, redis: null);
        var hubList = Path.Combine(world.Repo.ConfigHome, "hub.assemblies");
        var hub = await world.StartHubWithAsync(Listing(hubList));

        var claim = await RunListedAsync(world, "claim", "PR-001", "--agent", "alice", "--json");
        var lease = JsonDocument.Parse(claim.Run.Out).RootElement.GetProperty("lease").GetString()!;
        var runs = new List<(string[] Args, IReadOnlyList<string> Loaded)> { claim.Listed };
        string[][] commands =
        [
            ["status"], ["status", "--json"], ["status", "PR-001"], ["ready"], ["ready", "--json"],
            ["heartbeat", "PR-001", "--agent", "alice", "--lease", lease],
            ["transition", "PR-001", "under-review", "--agent", "alice", "--lease", lease],
            ["release", "PR-001", "--agent", "alice", "--lease", lease],
            ["transition", "PR-004", "blocked", "--agent", "bob", "--reason", "waiting on a decision"],
            ["log", "--limit", "5"], ["reconcile", "--dry-run"],
        ];
        foreach (var args in commands)
        {
            runs.Add((await RunListedAsync(world, args)).Listed);
        }

        foreach (var (args, loaded) in runs)
        {
            // The hook ran and saw the client: the list is real, so what is absent from it was not loaded.
            Assert.Contains("thermo", loaded);
            Assert.Contains("Thermocline.Hub.Contracts", loaded);
            var hubParts = loaded.Where(a => HubOnly.Contains(a) || HubOnlyPrefixes.Any(p => a.StartsWith(p, StringComparison.Ordinal))).ToList();
            Assert.True(hubParts.Count == 0, $"thermo {string.Join(' ', args)} loaded {string.Join(", ", hubParts)}");
        }

        Assert.Equal(0, await hub.TerminateAsync());
        var hubLoaded = File.ReadAllLines(hubList);
        Assert.Contains("Thermocline.Hub", hubLoaded);
        Assert.Contains("Microsoft.AspNetCore.Server.Kestrel.Core", hubLoaded);
    }

    private static Dictionary<string, string> Listing(string file) => new()
    {
        ["DOTNET_STARTUP_HOOKS"] = Hook,
        ["THERMO_TEST_LOADED_ASSEMBLIES"] = file,
    };

    private static async Task<(ThermoRun Run, (string[] Args, IReadOnlyList<string> Loaded) Listed)> RunListedAsync(HubWorld world, params string[] args)
    {
        var file = Path.Combine(world.Repo.ConfigHome, $"client-{Guid.NewGuid():N}.assemblies");
        var run = await world.RunWithAsync(Listing(file), args);
        Assert.True(run.ExitCode == 0, $"thermo {string.Join(' ', args)}: {run}");
        return (run, (args, File.ReadAllLines(file)));
    }
}
