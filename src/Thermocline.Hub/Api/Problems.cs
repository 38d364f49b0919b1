using Microsoft.AspNetCore.Http;
using Thermocline.Domain.Errors;

namespace Thermocline.Hub.Api;

/// <summary>
/// Failures as RFC 9457 problem details: a status from the error's kind, a title, a detail a person can act on,
/// and <c>kind</c> and <c>exitCode</c> so the CLI exits as SPEC.md says.
/// </summary>
internal static class Problems
{
    public static IResult From(ThermoclineException ex) => Create(ex.Kind, ex.Message);

    public static IResult Create(ErrorKind kind, string detail)
    {
        var (status, title) = kind switch
        {
            ErrorKind.Usage => (StatusCodes.Status400BadRequest, "Bad request"),
            ErrorKind.NotFound => (StatusCodes.Status404NotFound, "Unknown PR"),
            ErrorKind.InvalidTransition => (StatusCodes.Status422UnprocessableEntity, "Transition not allowed"),
            ErrorKind.LeaseConflict => (StatusCodes.Status409Conflict, "Lease conflict"),
            ErrorKind.BadTaskList => (StatusCodes.Status422UnprocessableEntity, "Task list does not parse"),
            ErrorKind.Unavailable => (StatusCodes.Status503ServiceUnavailable, "Store unavailable"),
            _ => (StatusCodes.Status500InternalServerError, "Hub error"),
        };
        return Results.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            type: $"https://thermocline.dev/problems/{Kebab(kind)}",
            extensions: new Dictionary<string, object?> { ["kind"] = Kebab(kind), ["exitCode"] = ExitCodes.For(kind) });
    }

    public static string Kebab(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidTransition => "invalid-transition",
        ErrorKind.LeaseConflict => "lease-conflict",
        ErrorKind.BadTaskList => "bad-task-list",
        ErrorKind.NotFound => "not-found",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
