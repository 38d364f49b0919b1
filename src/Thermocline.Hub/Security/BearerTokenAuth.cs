using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Hub.Security;

/// <summary>
/// When the hub has a token, every request but <c>/healthz</c> (the <c>/api</c> routes, <c>/metrics</c> and MCP at
/// <c>/mcp</c> alike: this runs before routing) must carry <c>Authorization: Bearer TOKEN</c>
/// (compared in constant time). The token itself is never logged.
/// </summary>
internal sealed class BearerTokenAuth(RequestDelegate next, byte[] token)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/healthz") || Authorized(context.Request.Headers.Authorization.ToString()))
        {
            await next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Create(
            ErrorKind.Usage,
            "this hub requires a bearer token: pass --token or set THERMO_TOKEN to the hub's token.",
            StatusCodes.Status401Unauthorized,
            "Unauthorized")
            .ExecuteAsync(context);
    }

    private bool Authorized(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, token);
    }
}
