using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Thermocline.Hub.Security;

namespace Thermocline.Hub.Board;

/// <summary>
/// The live web board at <c>/</c>: a static page and its scripts (<see cref="BoardAssets"/>) that read the same <c>/api</c>
/// and event stream as any client, so the board can show nothing and do nothing the API does not. With a token, the
/// login form at <c>/login</c> trades it for the session cookie (<see cref="BoardSession"/>); without one (loopback) there is
/// no login. Every page is served under a strict content security policy: no inline script, nothing from elsewhere.
/// </summary>
internal static class BoardEndpoints
{
    /// <summary>Where the board's files are served from.</summary>
    public const string AssetPath = "/board";

    /// <summary>The policy every board page is served with.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void MapBoard(this IEndpointRouteBuilder app, BoardAssets assets, string? token)
    {
        var session = token is null ? null : BoardSession.ValueFor(Encoding.UTF8.GetBytes(token));

        app.MapGet("/", (HttpContext http) => Serve(http, assets, "index.html"));
        app.MapGet(AssetPath + "/{file}", (string file, HttpContext http) => Serve(http, assets, file));

        app.MapGet("/login", (HttpContext http) => session is null ? Results.Redirect("/", permanent: false) : Serve(http, assets, "login.html"));

        app.MapPost("/login", async (HttpContext http) =>
        {
            if (session is null)
            {
                return SeeOther("/");
            }

            if (http.Request.Headers.Origin.Count > 0 && !TokenAuth.SameOrigin(http.Request))
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
            var presented = Encoding.UTF8.GetBytes(form?["token"].ToString() ?? "");
            if (!CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(token!)))
            {
                return SeeOther("/login?failed=1");
            }

            BoardSession.Start(http.Response, session);
            return SeeOther("/");
        });

        app.MapPost("/logout", (HttpContext http) =>
        {
            BoardSession.End(http.Response);
            return SeeOther(session is null ? "/" : "/login");
        });
    }

    private static SeeOtherResult SeeOther(string location) => new(location);

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }

    private static IResult Serve(HttpContext http, BoardAssets assets, string name)
    {
        if (assets.Find(name) is not { } asset)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"the board has no file '{name}'.");
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the login form's POST.
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        headers.ETag = asset.ETag;
        // Revalidated on every load (a 304 is a few bytes): a new hub version's board is never mixed with an old one's.
        headers.CacheControl = "no-cache";
        headers.Vary = HeaderNames.AcceptEncoding;
        if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var gzip = http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        if (gzip)
        {
            headers.ContentEncoding = "gzip";
        }

        return Results.Bytes(gzip ? asset.Gzip : asset.Bytes, asset.ContentType);
    }
}
