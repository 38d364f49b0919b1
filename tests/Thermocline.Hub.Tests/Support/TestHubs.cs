using Thermocline.Cli.Demo;

namespace Thermocline.Hub.Tests.Support;

/// <summary>The real <c>thermo hub --port 0 --json</c> (<see cref="HubProcess"/>), run as the tests run every command: <see cref="Thermo.StartInfo"/>'s isolated HOME and git configuration.</summary>
internal static class TestHubs
{
    /// <summary>Launches <c>thermo hub ARGS</c> on <paramref name="repo"/> without waiting for it to serve.</summary>
    public static HubProcess Launch(string home, string repo, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        HubProcess.Launch(Thermo.StartInfo(home, repo, ["hub", "--repo", repo, "--port", "0", "--json", .. args], env));

    /// <summary>Launches a hub and waits until it serves; throws (with its log) when it exits instead.</summary>
    public static async Task<HubProcess> StartAsync(string home, string repo, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var hub = Launch(home, repo, args, env);
        try
        {
            await hub.WaitServingAsync();
            return hub;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }
}
