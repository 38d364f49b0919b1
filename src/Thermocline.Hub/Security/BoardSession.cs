using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Thermocline.Hub.Security;

/// <summary>
/// The board's login: a person presents the hub's token once, in the login form, and gets a session cookie — HTTP-only
/// (no script reads it), SameSite=Strict (no other site's request carries it), Secure over HTTPS. Its value is derived
/// from the token (HMAC-SHA256 of a fixed label), so it is never the token itself, needs no server-side store, survives a
/// restart of the hub and ends when the token changes.
/// </summary>
internal static class BoardSession
{
    public const string CookieName = "thermocline_board";

    private static readonly byte[] Label = "thermocline board session v1"u8.ToArray();

    public static string ValueFor(byte[] token) => Convert.ToBase64String(HMACSHA256.HashData(token, Label)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>True when the request carries the session cookie of <paramref name="expected"/> (compared in constant time).</summary>
    public static bool Matches(HttpRequest request, string expected) =>
        request.Cookies.TryGetValue(CookieName, out var presented) && presented is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(expected));

    public static void Start(HttpResponse response, string value) => response.Cookies.Append(CookieName, value, Options(response.HttpContext.Request));

    public static void End(HttpResponse response) => response.Cookies.Delete(CookieName, Options(response.HttpContext.Request));

    private static CookieOptions Options(HttpRequest request) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
