using Microsoft.AspNetCore.Http;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Hub.Security;

/// <summary>
/// On a loopback address (where the hub may run without a token) only requests addressed to a loopback name are served:
/// <c>localhost</c>, <c>127.x.x.x</c>, <c>[::1]</c>. A web page on another site whose name an attacker points at
/// 127.0.0.1 (DNS rebinding) would otherwise read the board and call the API as if it were the person at the machine.
/// </summary>
internal sealed class LoopbackHostGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (IsLoopbackName(context.Request.Host.Host))
        {
            await next(context);
            return;
        }

        await Problems.Create(
            ErrorKind.Usage,
            $"this hub listens on loopback and answers only requests addressed to localhost, 127.0.0.1 or [::1], not '{context.Request.Host.Host}'. To serve other names, bind to an outside address with a token (--bind, --token).",
            StatusCodes.Status421MisdirectedRequest,
            "Misdirected request")
            .ExecuteAsync(context);
    }

    internal static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
