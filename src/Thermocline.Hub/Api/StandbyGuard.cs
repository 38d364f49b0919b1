using Microsoft.AspNetCore.Http;
using Thermocline.Domain.Errors;
using Thermocline.Sync;

namespace Thermocline.Hub.Api;

/// <summary>
/// On a hub of a group that is not the active one, every write — any request but GET and HEAD under <c>/api/</c>, and
/// every MCP call — is answered 503 with a problem that says so (<c>standby: true</c>) and names the active hub
/// (<c>activeHub</c>, null during a failover), with <c>Retry-After: 1</c>. A client given several hubs
/// (<c>THERMO_HUB=url1,url2</c>) goes on to the active one. Reads, the board and <c>/healthz</c> are served as usual.
/// </summary>
internal sealed class StandbyGuard(RequestDelegate next, StateSync sync)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var write = (request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            || request.Path.StartsWithSegments("/mcp");
        if (!write || sync.IsActive)
        {
            await next(context);
            return;
        }

        var active = sync.ActiveHub;
        var extensions = Problems.Extensions(ErrorKind.Unavailable);
        extensions["standby"] = true;
        extensions["activeHub"] = active;
        context.Response.Headers.RetryAfter = "1";
        await Results.Problem(
            detail: active is null
                ? $"this hub stands by ({sync.Role}) and no hub of the group is active yet: a takeover is under way. Retry in a second; nothing was done."
                : $"this hub stands by; the active hub is {active}: send writes there (THERMO_HUB=url1,url2 lets the CLI follow by itself). Nothing was done.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Hub on standby",
            type: Problems.TypeOf(ErrorKind.Unavailable),
            extensions: extensions)
            .ExecuteAsync(context);
    }
}
