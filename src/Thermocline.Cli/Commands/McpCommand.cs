using Spectre.Console.Cli;
using Thermocline.Cli.Mcp;
using Thermocline.Domain.Errors;
using Thermocline.Hub;

namespace Thermocline.Cli.Commands;

/// <summary><c>thermo mcp [--hub URL] [--token T]</c>: the hub's MCP tools over stdio, for a client that starts a process.</summary>
internal sealed class McpCommand : AsyncCommand<McpCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--hub <URL>")]
        [System.ComponentModel.Description("The hub's URL. Default: THERMO_HUB, else http://127.0.0.1:7420.")]
        public string? Hub { get; init; }

        [CommandOption("--token <TOKEN>")]
        [System.ComponentModel.Description("Bearer token of a hub that listens off loopback. Default: THERMO_TOKEN.")]
        public string? Token { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var address = settings.Hub ?? (Environment.GetEnvironmentVariable("THERMO_HUB") is { Length: > 0 } env ? env : HubDefaults.Url);
        if (!Uri.TryCreate(address.TrimEnd('/') + "/", UriKind.Absolute, out var hub) || (hub.Scheme != Uri.UriSchemeHttp && hub.Scheme != Uri.UriSchemeHttps))
        {
            throw ThermoclineException.Usage($"'{address}' is not a hub URL; expected e.g. {HubDefaults.Url}.");
        }

        var bearer = (settings.Token ?? Environment.GetEnvironmentVariable("THERMO_TOKEN")) is { Length: > 0 } token ? token : null;
        using var bridge = new StdioBridge(hub, bearer, Console.In, Console.OpenStandardOutput(), Console.Error);
        return await bridge.RunAsync(cancellationToken);
    }
}
