using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Mcp;

namespace Thermocline.Cli.Commands;

/// <summary><c>thermo mcp [--hub URL] [--token T]</c>: the hub's MCP tools over stdio, for a client that starts a process.</summary>
internal sealed class McpCommand : AsyncCommand<McpCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--hub <URL>")]
        [System.ComponentModel.Description("The hub's URL, or the URLs of a hub group separated by commas (calls follow the active hub). Default: THERMO_HUB, else http://127.0.0.1:7420.")]
        public string? Hub { get; init; }

        [CommandOption("--token <TOKEN>")]
        [System.ComponentModel.Description("Bearer token of a hub that listens off loopback. Default: THERMO_TOKEN.")]
        public string? Token { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var route = HubRoute.Parse(settings.Hub);
        var bearer = (settings.Token ?? Environment.GetEnvironmentVariable("THERMO_TOKEN")) is { Length: > 0 } token ? token : null;
        using var bridge = new StdioBridge(route, bearer, Console.In, Console.OpenStandardOutput(), Console.Error);
        return await bridge.RunAsync(cancellationToken);
    }
}
