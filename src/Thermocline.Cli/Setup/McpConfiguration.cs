using System.Text.Json.Nodes;
using Thermocline.Domain.Errors;
using Thermocline.Hub;

namespace Thermocline.Cli.Setup;

/// <summary>
/// The MCP client configuration for Thermocline, in the <c>mcpServers</c> shape MCP clients read: one for the stdio
/// server (<c>thermo mcp</c>, started by the client) and one for the hub's Streamable HTTP endpoint (<c>/mcp</c>).
/// </summary>
/// <param name="Stdio">The client starts <c>thermo mcp</c>; <c>THERMO_HUB</c> is passed on when the hub is not the default.</param>
/// <param name="Http">The client talks to the hub's <c>/mcp</c>.</param>
internal sealed record McpConfiguration(JsonObject Stdio, JsonObject Http)
{
    /// <summary>The server's name in the client's configuration.</summary>
    public const string ServerName = "thermocline";

    /// <summary>
    /// The configuration for the hub at <paramref name="hub"/> (<c>--hub</c>), else <c>THERMO_HUB</c>, else
    /// <see cref="HubDefaults.Url"/>; a URL that is not an absolute http(s) one is a usage error.
    /// </summary>
    public static McpConfiguration For(string? hub)
    {
        var given = hub is { Length: > 0 } ? hub
            : Environment.GetEnvironmentVariable("THERMO_HUB") is { Length: > 0 } env ? env
            : null;
        var url = given ?? HubDefaults.Url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw ThermoclineException.Usage($"the hub's URL '{url}' is not an http:// or https:// URL (from {(hub is { Length: > 0 } ? "--hub" : "THERMO_HUB")}); use e.g. http://127.0.0.1:7420.");
        }

        var stdio = new JsonObject { ["command"] = "thermo", ["args"] = new JsonArray("mcp") };
        if (given is not null)
        {
            stdio["env"] = new JsonObject { ["THERMO_HUB"] = url.TrimEnd('/') };
        }

        var http = new JsonObject { ["type"] = "http", ["url"] = $"{url.TrimEnd('/')}/mcp" };
        return new(Servers(stdio), Servers(http));
    }

    private static JsonObject Servers(JsonObject server) => new() { ["mcpServers"] = new JsonObject { [ServerName] = server } };
}
