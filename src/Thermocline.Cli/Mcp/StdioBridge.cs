using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Thermocline.Cli.Client;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Mcp;

/// <summary>
/// <c>thermo mcp</c>: the hub's MCP server (<c>/mcp</c>, Streamable HTTP, stateless) for a client that starts a local
/// process and speaks over stdio. Each JSON-RPC message read from stdin (one per line) is posted to the hub; each message
/// the hub answers (JSON, or the events of a <c>text/event-stream</c>) is written to stdout as one line. Messages are
/// handled concurrently (a claim that waits does not hold up a status), answers written whole, one at a time. Stdout
/// carries nothing but the protocol; problems go to stderr, and a request the hub cannot be reached for gets a JSON-RPC
/// error answer. Given a hub group's URLs, a message follows the active hub as the agent commands do (<see cref="HubRoute"/>):
/// a standby's refusal and a refused connection are detours, nothing else is sent twice.
/// </summary>
internal sealed class StdioBridge(HubRoute route, string? bearer, TextReader input, Stream output, TextWriter log) : IDisposable
{
    /// <summary>JSON-RPC's "server error" range: the hub could not be reached or refused the request.</summary>
    private const int HubUnreachable = -32000;

    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = PlainHttp.ConnectTimeout }) { Timeout = Timeout.InfiniteTimeSpan };
    private string? _protocolVersion;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var inFlight = new List<Task>();
        try
        {
            while (await input.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                inFlight.RemoveAll(t => t.IsCompleted);
                inFlight.Add(ForwardAsync(line, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(inFlight);
        return ExitCodes.Ok; // stdin closed: the client is done
    }

    public void Dispose()
    {
        _http.Dispose();
        _write.Dispose();
    }

    private async Task ForwardAsync(string line, CancellationToken cancellationToken)
    {
        JsonNode? id = null;
        try
        {
            var message = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not a JSON object");
            id = message["id"]?.DeepClone();
            await route.SendAsync((hub, ct) => ForwardToAsync(hub, line, ct), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ThermoclineException e)
        {
            await FailAsync(id, e.Message, cancellationToken);
        }
        catch (JsonException e)
        {
            await FailAsync(id, $"a message that is not JSON-RPC was ignored: {e.Message}", cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever else went wrong, the client gets an answer rather than silence.
            await FailAsync(id, $"the exchange with the hub broke ({e.GetType().Name}: {e.Message}); the request may or may not have taken effect.", cancellationToken);
        }
    }

    private async Task<bool> ForwardToAsync(Uri hub, string line, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(hub, "mcp")) { Content = new StringContent(line, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (Volatile.Read(ref _protocolVersion) is { } version)
        {
            request.Headers.Add("MCP-Protocol-Version", version);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e) when (HttpsTransport.NothingSent(e))
        {
            throw new HubDetour(ThermoclineException.Unavailable($"no hub answers at {hub} ({e.Message}): start one with 'thermo hub', or point at it with THERMO_HUB."), null);
        }
        catch (OperationCanceledException e) when (e.InnerException is TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new HubDetour(ThermoclineException.Unavailable($"no hub accepted a connection at {hub} within {PlainHttp.ConnectTimeout.TotalSeconds:0} s: start one with 'thermo hub', or point at it with THERMO_HUB."), null);
        }
        catch (HttpRequestException e)
        {
            throw ThermoclineException.Unavailable($"the exchange with the hub at {hub} broke ({e.Message}); the request may or may not have taken effect.", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var why = $"the hub at {hub} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Clip(body)}";
                if (HubDetour.IsStandbyRefusal((int)response.StatusCode, Encoding.UTF8.GetBytes(body), out var activeHub))
                {
                    throw new HubDetour(ThermoclineException.Unavailable(why), activeHub);
                }

                throw ThermoclineException.Unavailable(why);
            }

            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                var data = new StringBuilder();
                while (await reader.ReadLineAsync(cancellationToken) is { } eventLine)
                {
                    if (eventLine.StartsWith("data:", StringComparison.Ordinal))
                    {
                        data.Append(eventLine.AsSpan(eventLine.StartsWith("data: ", StringComparison.Ordinal) ? 6 : 5)).Append('\n');
                    }
                    else if (eventLine.Length == 0 && data.Length > 0)
                    {
                        await WriteAsync(data.ToString(), cancellationToken);
                        data.Clear();
                    }
                }

                if (data.Length > 0)
                {
                    await WriteAsync(data.ToString(), cancellationToken);
                }
            }
            else if (await response.Content.ReadAsStringAsync(cancellationToken) is { Length: > 0 } json)
            {
                await WriteAsync(json, cancellationToken);
            }

            return true;
        }
    }

    // One message, compact, on one line; the negotiated protocol version is remembered for the headers of what follows.
    private async Task WriteAsync(string json, CancellationToken cancellationToken)
    {
        var node = JsonNode.Parse(json);
        if (node?["result"]?["protocolVersion"]?.GetValue<string>() is { } version)
        {
            Volatile.Write(ref _protocolVersion, version);
        }

        var bytes = Encoding.UTF8.GetBytes(node!.ToJsonString() + "\n");
        await _write.WaitAsync(cancellationToken);
        try
        {
            await output.WriteAsync(bytes, cancellationToken);
            await output.FlushAsync(cancellationToken);
        }
        finally
        {
            _write.Release();
        }
    }

    private async Task FailAsync(JsonNode? id, string why, CancellationToken cancellationToken)
    {
        await log.WriteLineAsync($"thermo mcp: {why}");
        if (id is not null)
        {
            var error = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = new JsonObject { ["code"] = HubUnreachable, ["message"] = why } };
            await WriteAsync(error.ToJsonString(), cancellationToken);
        }
    }

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
