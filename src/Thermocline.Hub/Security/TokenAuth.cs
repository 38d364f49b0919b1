using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Hub.Security;

/// <summary>
/// When the hub has a token, every request but <c>/healthz</c>, the board's login page and its static assets (this runs
/// before routing: <c>/api</c>, <c>/metrics</c>, MCP at <c>/mcp</c> and the board itself alike) must carry
/// <c>Authorization: Bearer TOKEN</c> (compared in constant time) or the board's session cookie (<see cref="BoardSession"/>).
/// A request the cookie alone vouches for that changes something must come from the board's own origin (its
/// <c>Origin</c> header): the cookie is SameSite=Strict already, and this refuses the rest of cross-site request forgery.
/// A browser asking for the board without either is sent to the login form. The token itself is never logged.
/// </summary>
internal sealed class TokenAuth(RequestDelegate next, byte[] token)
{
    private readonly string _session = BoardSession.ValueFor(token);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsPublic(request.Path) || Bearer(request.Headers.Authorization.ToString()))
        {
            await next(context);
            return;
        }

        if (BoardSession.Matches(request, _session))
        {
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || SameOrigin(request))
            {
                await next(context);
                return;
            }

            await Problems.Create(
                ErrorKind.Usage,
                "this request came from another site (its Origin is not this hub's): refused. Use the board itself, or the API with a bearer token.",
                StatusCodes.Status403Forbidden,
                "Forbidden")
                .ExecuteAsync(context);
            return;
        }

        if (HttpMethods.IsGet(request.Method) && request.Path == "/")
        {
            context.Response.Redirect("/login", permanent: false);
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Create(
            ErrorKind.Usage,
            "this hub requires a bearer token: pass --token or set THERMO_TOKEN to the hub's token (in a browser, log in at /login).",
            StatusCodes.Status401Unauthorized,
            "Unauthorized")
            .ExecuteAsync(context);
    }

    /// <summary>What anyone may fetch: health, the login form, and the board's static files (they hold no data).</summary>
    private static bool IsPublic(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/login") || path.StartsWithSegments(Board.BoardEndpoints.AssetPath);

    /// <summary>True when the request's <c>Origin</c> is this hub's own scheme and host.</summary>
    internal static bool SameOrigin(HttpRequest request) =>
        request.Headers.Origin.ToString() is { Length: > 0 } origin
        && string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);

    private bool Bearer(string header)
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
