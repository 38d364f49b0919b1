using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Thermocline.Domain.Errors;

namespace Thermocline.Hub.Api;

/// <summary>
/// Failures as RFC 9457 problem details: a status from the error's kind, a title, a detail a person can act on,
/// and <c>kind</c> and <c>exitCode</c> so the CLI exits as SPEC.md says. Every problem the hub writes — its own,
/// ASP.NET Core's status pages and unhandled exceptions — gets this shape (see <see cref="ProblemShape"/>).
/// </summary>
internal static class Problems
{
    /// <summary>Where the <c>type</c> URIs of the hub's problems live: one per kind.</summary>
    public const string TypeBase = "https://thermocline.dev/problems/";

    /// <summary>A problem of <paramref name="kind"/>; <paramref name="status"/> overrides the kind's own status (e.g. 413 for a usage error).</summary>
    public static IResult Create(ErrorKind kind, string detail, int? status = null, string? title = null)
    {
        var (kindStatus, kindTitle) = Describe(kind);
        var code = status ?? kindStatus;
        return Results.Problem(
            detail: detail,
            statusCode: code,
            title: title ?? (code == kindStatus ? kindTitle : ReasonPhrases.GetReasonPhrase(code)),
            type: TypeOf(kind),
            extensions: Extensions(kind));
    }

    /// <summary>The HTTP status and title of a kind.</summary>
    public static (int Status, string Title) Describe(ErrorKind kind) => kind switch
    {
        ErrorKind.Usage => (StatusCodes.Status400BadRequest, "Bad request"),
        ErrorKind.NotFound => (StatusCodes.Status404NotFound, "Unknown PR"),
        ErrorKind.InvalidTransition => (StatusCodes.Status422UnprocessableEntity, "Transition not allowed"),
        ErrorKind.LeaseConflict => (StatusCodes.Status409Conflict, "Lease conflict"),
        ErrorKind.BadTaskList => (StatusCodes.Status422UnprocessableEntity, "Task list does not parse"),
        ErrorKind.Unavailable => (StatusCodes.Status503ServiceUnavailable, "Store unavailable"),
        ErrorKind.NothingReady => (StatusCodes.Status404NotFound, "Nothing ready"),
        _ => (StatusCodes.Status500InternalServerError, "Hub error"),
    };

    /// <summary>The <c>type</c> URI of a kind.</summary>
    public static string TypeOf(ErrorKind kind) => TypeBase + Kebab(kind);

    /// <summary>The project's extension members: <c>kind</c> and <c>exitCode</c>.</summary>
    public static Dictionary<string, object?> Extensions(ErrorKind kind) =>
        new() { ["kind"] = Kebab(kind), ["exitCode"] = ExitCodes.For(kind) };

    public static string Kebab(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidTransition => "invalid-transition",
        ErrorKind.LeaseConflict => "lease-conflict",
        ErrorKind.BadTaskList => "bad-task-list",
        ErrorKind.NotFound => "not-found",
        ErrorKind.NothingReady => "nothing-ready",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
