using System.Net;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Thermocline.Cli.Demo;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// The hub's MCP server at <c>/mcp</c>, driven by the SDK's own client over Streamable HTTP against a real hub process:
/// the tools and their annotations, an agent's loop from claim to a milestone committed to git, refusals as tool errors
/// carrying the CLI's kind and exit code, and the bearer token guarding <c>/mcp</c> as it guards <c>/api</c>.
/// </summary>
public sealed class McpTests
{
    private const string Token = "mcp-test-token-0123456789";

    private static async Task<McpClient> ConnectAsync(HubProcess hub, string? token = null)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(hub.LocalUrl + "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = token is null ? null : new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        };
        return await McpClient.CreateAsync(new HttpClientTransport(options));
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    [Fact]
    public async Task Tools_ListedWithAnnotations_ReadyClaimNextTransitionCompleted_CommitsTheMilestoneWithTheFence()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        var hub = await world.StartHubAsync();
        await using var client = await ConnectAsync(hub);

        var tools = (await client.ListToolsAsync()).ToDictionary(t => t.Name);
        Assert.Equal(["add", "claim", "edit", "heartbeat", "log", "ready", "release", "status", "transition"], tools.Keys.Order(StringComparer.Ordinal));
        var edit = tools["edit"].ProtocolTool.Annotations!;
        Assert.Equal((false, true, false), (edit.ReadOnlyHint, edit.IdempotentHint, edit.DestructiveHint));
        Assert.Equal(["agent", "pr"], tools["edit"].ProtocolTool.InputSchema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal));
        var ready = tools["ready"].ProtocolTool.Annotations!;
        Assert.True(ready.ReadOnlyHint);
        Assert.True(ready.IdempotentHint);
        Assert.True(tools["heartbeat"].ProtocolTool.Annotations!.IdempotentHint);
        Assert.False(tools["transition"].ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.True(tools["release"].ProtocolTool.Annotations!.DestructiveHint);
        Assert.All(tools.Values, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
        Assert.Equal("object", tools["claim"].ProtocolTool.OutputSchema!.Value.GetProperty("type").GetString());
        var listSchema = tools["ready"].ProtocolTool.OutputSchema!.Value;
        Assert.Equal("object", listSchema.GetProperty("type").GetString());
        Assert.Equal("array", listSchema.GetProperty("properties").GetProperty("result").GetProperty("type").GetString());

        var readyResult = await client.CallToolAsync("ready");
        Assert.True(readyResult.IsError is not true, Text(readyResult));
        var readyIds = JsonDocument.Parse(Text(readyResult)).RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal(["PR-003", "PR-001", "PR-004"], readyIds);
        Assert.Equal(3, readyResult.StructuredContent!.Value.GetProperty("result").GetArrayLength());

        var claim = await client.CallToolAsync("claim", new Dictionary<string, object?> { ["agent"] = "mcp-agent", ["next"] = true, ["state"] = "in-progress" });
        Assert.True(claim.IsError is not true, Text(claim));
        var claimed = claim.StructuredContent!.Value;
        Assert.Equal("PR-001", claimed.GetProperty("prId").GetString());
        Assert.Equal("in-progress", claimed.GetProperty("to").GetString());
        var lease = claimed.GetProperty("lease").GetString()!;
        var fence = claimed.GetProperty("fence").GetInt64();
        Assert.Equal(claimed.GetRawText(), JsonDocument.Parse(Text(claim)).RootElement.GetRawText());

        var beat = await client.CallToolAsync("heartbeat", new Dictionary<string, object?> { ["pr"] = "PR-001", ["agent"] = "mcp-agent", ["lease"] = lease, ["note"] = "halfway" });
        Assert.True(beat.IsError is not true, Text(beat));
        Assert.Equal("applied", beat.StructuredContent!.Value.GetProperty("result").GetString());

        var done = await client.CallToolAsync("transition", new Dictionary<string, object?> { ["pr"] = "PR-001", ["state"] = "completed", ["agent"] = "mcp-agent", ["lease"] = lease });
        Assert.True(done.IsError is not true, Text(done));
        var commit = done.StructuredContent!.Value.GetProperty("commit").GetString()!;
        var message = world.Repo.Git("show", "-s", "--format=%B", commit);
        Assert.StartsWith("PR-001: in-progress → completed", message, StringComparison.Ordinal);
        Assert.Contains($"- Lease: {fence}\n", message, StringComparison.Ordinal);
        Assert.Contains("- Agent: mcp-agent\n", message, StringComparison.Ordinal);

        var log = await client.CallToolAsync("log", new Dictionary<string, object?> { ["pr"] = "PR-001", ["limit"] = 1 });
        var newest = JsonDocument.Parse(Text(log)).RootElement.EnumerateArray().Single();
        Assert.Equal(commit, newest.GetProperty("sha").GetString());
        Assert.Equal("completed", newest.GetProperty("to").GetString());

        var status = await client.CallToolAsync("status", new Dictionary<string, object?> { ["pr"] = "PR-001" });
        Assert.Equal("completed", JsonDocument.Parse(Text(status)).RootElement.EnumerateArray().Single().GetProperty("coldState").GetString());

        // Work found on the way: added, one commit, and the engine makes it ready (PR-001 is completed).
        var add = await client.CallToolAsync("add", new Dictionary<string, object?> { ["agent"] = "mcp-agent", ["title"] = "Found on the way", ["depends"] = new[] { "PR-001" }, ["from"] = "PR-001" });
        Assert.True(add.IsError is not true, Text(add));
        Assert.Equal(("PR-006", "ready"), (add.StructuredContent!.Value.GetProperty("prId").GetString(), add.StructuredContent!.Value.GetProperty("coldState").GetString()));
        Assert.Equal("PR-006: added", world.Repo.Git("log", "-1", "--format=%s", add.StructuredContent!.Value.GetProperty("commit").GetString()!).Trim());
        var cycle = await client.CallToolAsync("add", new Dictionary<string, object?> { ["agent"] = "mcp-agent", ["title"] = "Nowhere", ["depends"] = new[] { "PR-404" } });
        Assert.True(cycle.IsError);
        Assert.StartsWith("bad-task-list (exit 65): ", Text(cycle), StringComparison.Ordinal);

        // Its fields edited: one commit; the same call again changes nothing (idempotent); an unknown PR is a tool error.
        var edits = new Dictionary<string, object?> { ["pr"] = "PR-006", ["agent"] = "mcp-agent", ["priority"] = "critical", ["description"] = "Seen on the way." };
        var edited = (await client.CallToolAsync("edit", edits)).StructuredContent!.Value;
        Assert.Equal(["priority", "description"], edited.GetProperty("changed").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("PR-006: edited", world.Repo.Git("log", "-1", "--format=%s", edited.GetProperty("commit").GetString()!).Trim());
        var again = (await client.CallToolAsync("edit", edits)).StructuredContent!.Value;
        Assert.Equal((JsonValueKind.Null, 0), (again.GetProperty("commit").ValueKind, again.GetProperty("changed").GetArrayLength()));
        var unknown = await client.CallToolAsync("edit", new Dictionary<string, object?> { ["pr"] = "PR-404", ["agent"] = "mcp-agent", ["title"] = "X" });
        Assert.True(unknown.IsError);
        Assert.StartsWith("not-found (exit 2): ", Text(unknown), StringComparison.Ordinal);
    }

    // thermo mcp: the same tools over stdio for a client that starts a process; stdout holds nothing but the protocol.
    [Fact]
    public async Task Stdio_ThermoMcpBridgesToTheHub_ListClaimTransitionAndAToolError()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        var hub = await world.StartHubAsync();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "thermo mcp",
            Command = Thermo.DotnetHost,
            Arguments = [Thermo.Dll, "mcp"],
            WorkingDirectory = world.Repo.WorkDir,
            EnvironmentVariables = new Dictionary<string, string?> { ["THERMO_HUB"] = hub.LocalUrl, ["HOME"] = world.Repo.ConfigHome },
        });
        await using var client = await McpClient.CreateAsync(transport);

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        var claim = await client.CallToolAsync("claim", new Dictionary<string, object?> { ["agent"] = "stdio-agent", ["next"] = true, ["state"] = "in-progress" });
        var lease = claim.StructuredContent!.Value.GetProperty("lease").GetString()!;
        var done = await client.CallToolAsync("transition", new Dictionary<string, object?> { ["pr"] = claim.StructuredContent!.Value.GetProperty("prId").GetString(), ["state"] = "completed", ["agent"] = "stdio-agent", ["lease"] = lease });
        var unknown = await client.CallToolAsync("status", new Dictionary<string, object?> { ["pr"] = "PR-999" });

        Assert.Contains("claim", tools);
        Assert.Equal(9, tools.Count);
        Assert.True(claim.IsError is not true, Text(claim));
        Assert.True(done.IsError is not true, Text(done));
        Assert.Equal("completed", done.StructuredContent!.Value.GetProperty("to").GetString());
        Assert.Contains("- Agent: stdio-agent\n", world.Repo.Git("show", "-s", "--format=%B", done.StructuredContent!.Value.GetProperty("commit").GetString()!), StringComparison.Ordinal);
        Assert.True(unknown.IsError);
        Assert.StartsWith("not-found (exit 2): ", Text(unknown), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_AreToolErrorsCarryingKindAndExitCode_NotProtocolErrors()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        var hub = await world.StartHubAsync();
        await using var client = await ConnectAsync(hub);

        var unknown = await client.CallToolAsync("status", new Dictionary<string, object?> { ["pr"] = "PR-999" });
        Assert.True(unknown.IsError);
        Assert.StartsWith("not-found (exit 2): ", Text(unknown), StringComparison.Ordinal);
        Assert.Contains("PR-999", Text(unknown), StringComparison.Ordinal);

        var claimUnknown = await client.CallToolAsync("claim", new Dictionary<string, object?> { ["pr"] = "PR-999", ["agent"] = "mcp-agent" });
        Assert.True(claimUnknown.IsError);
        Assert.StartsWith("not-found (exit 2): ", Text(claimUnknown), StringComparison.Ordinal);

        var badLease = await client.CallToolAsync("release", new Dictionary<string, object?> { ["pr"] = "PR-001", ["agent"] = "mcp-agent", ["lease"] = "nonsense" });
        Assert.True(badLease.IsError);
        Assert.StartsWith("usage (exit 2): ", Text(badLease), StringComparison.Ordinal);

        var nothing = await client.CallToolAsync("claim", new Dictionary<string, object?> { ["agent"] = "mcp-agent", ["next"] = true, ["only"] = new[] { "PR-005" } });
        Assert.True(nothing.IsError);
        Assert.StartsWith("nothing-ready (exit 75): nothing is claimable now among PR-005", Text(nothing), StringComparison.Ordinal);

        var invalid = await client.CallToolAsync("transition", new Dictionary<string, object?> { ["pr"] = "PR-005", ["state"] = "ready", ["agent"] = "mcp-agent" });
        Assert.True(invalid.IsError);
        Assert.StartsWith("invalid-transition (exit 3): ", Text(invalid), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OffLoopback_WithAToken_McpRefusedWithoutIt_ServedWithIt()
    {
        await using var world = HubWorld.Create(Store.Embedded, null);
        var hub = await world.StartHubAsync("--bind", "0.0.0.0", "--token", Token);

        using var http = new HttpClient();
        using var initialize = new StringContent(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
            System.Text.Encoding.UTF8,
            "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, hub.LocalUrl + "/mcp") { Content = initialize };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var refused = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);

        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(hub, "wrong-token-wrong-token"));

        await using var client = await ConnectAsync(hub, Token);
        var ready = await client.CallToolAsync("ready");
        Assert.True(ready.IsError is not true, Text(ready));
        Assert.Equal(3, JsonDocument.Parse(Text(ready)).RootElement.GetArrayLength());
    }
}
