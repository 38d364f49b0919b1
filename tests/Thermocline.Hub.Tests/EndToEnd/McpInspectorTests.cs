using System.Text.Json;
using Thermocline.Cli.Demo;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// The MCP server driven by a client nobody here wrote: the MCP Inspector's command-line mode (npm
/// <c>@modelcontextprotocol/inspector</c>, pinned in <c>tests/mcp-inspector</c>), over stdio with <c>thermo mcp</c> as the
/// command it starts and over Streamable HTTP at the hub's <c>/mcp</c>. An agent's loop as that client sees it: the tools
/// and their input schemas (from which it types the <c>key=value</c> arguments), the next PR claimed, the PR taken to
/// <c>completed</c>, and the milestone's commit found in git. Each step is its own inspector run, so its own connection
/// and <c>initialize</c>: the lease is all that carries over.
/// </summary>
public sealed class McpInspectorTests
{
    [McpInspectorFact]
    public Task Http_ListsTheTools_ClaimsNext_TransitionsToCompleted_TheCommitIsInGit() =>
        AgentLoopAsync("inspector-http", hub => [hub.LocalUrl + "/mcp", "--transport", "http"]);

    [McpInspectorFact]
    public Task Stdio_ThermoMcpAsTheCommand_ListsTheTools_ClaimsNext_TransitionsToCompleted_TheCommitIsInGit() =>
        AgentLoopAsync("inspector-stdio", hub => ["-e", "THERMO_HUB=" + hub.LocalUrl, Thermo.DotnetHost, Thermo.Dll, "mcp", "--transport", "stdio"]);

    private static async Task AgentLoopAsync(string agent, Func<HubProcess, string[]> target)
    {
        McpInspector.Require();
        await using var world = HubWorld.Create(Store.Embedded, null);
        var hub = await world.StartHubAsync();
        string[] server = target(hub);
        Task<JsonElement> InspectAsync(params string[] method) => McpInspector.RunAsync(world.Repo.ConfigHome, world.Repo.WorkDir, [.. server, .. method]);

        var tools = (await InspectAsync("--method", "tools/list")).GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["add", "claim", "edit", "heartbeat", "log", "ready", "release", "status", "transition"], tools.Keys.Order(StringComparer.Ordinal));
        var claimSchema = tools["claim"].GetProperty("inputSchema");
        Assert.Equal("boolean", claimSchema.GetProperty("properties").GetProperty("next").GetProperty("type").GetString());
        Assert.Equal(["agent"], claimSchema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["agent", "pr", "state"], tools["transition"].GetProperty("inputSchema").GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal));

        var claim = Succeeded(await InspectAsync("--method", "tools/call", "--tool-name", "claim", "--tool-arg", $"agent={agent}", "next=true", "state=in-progress"));
        Assert.Equal("PR-001", claim.GetProperty("prId").GetString());
        Assert.Equal("in-progress", claim.GetProperty("to").GetString());
        var lease = claim.GetProperty("lease").GetString()!;
        var fence = claim.GetProperty("fence").GetInt64();

        var done = Succeeded(await InspectAsync("--method", "tools/call", "--tool-name", "transition", "--tool-arg", "pr=PR-001", "state=completed", $"agent={agent}", $"lease={lease}"));
        Assert.Equal("completed", done.GetProperty("to").GetString());
        var commit = done.GetProperty("commit").GetString()!;
        Assert.Contains(commit, world.Repo.Git("log", "--format=%H", "main").Split('\n'));
        var message = world.Repo.Git("show", "-s", "--format=%B", commit);
        Assert.StartsWith("PR-001: in-progress → completed", message, StringComparison.Ordinal);
        Assert.Contains($"- Lease: {fence}\n", message, StringComparison.Ordinal);
        Assert.Contains($"- Agent: {agent}\n", message, StringComparison.Ordinal);
    }

    // A tool call's result as the inspector printed it: not a tool error, its text the structured content's JSON.
    private static JsonElement Succeeded(JsonElement result)
    {
        var text = string.Concat(result.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()));
        Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean(), text);
        var structured = result.GetProperty("structuredContent");
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(text).RootElement, structured), text);
        return structured;
    }
}
