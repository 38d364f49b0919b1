using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Thermocline.Domain.Errors;

namespace Thermocline.Hub.Api;

/// <summary>
/// The hub's <see cref="IExceptionHandler"/>: every exception a request ends in becomes a problem document. Ours by
/// their kind; unreadable bodies as usage errors (413 when too large); the file system or git refusing (a read-only
/// or full <c>.git</c>) and stores that time out as 503 unavailable, naming the cause; anything else as a 500 whose
/// detail says where to look. Stack traces go to the log only.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (kind, status, detail) = Map(exception);
        var request = httpContext.Request;
        if (kind == ErrorKind.Other)
        {
            Unexpected(logger, exception, request.Method, request.Path);
        }
        else if (exception is not ThermoclineException and not BadHttpRequestException and not JsonException)
        {
            StoreFailed(logger, exception, request.Method, request.Path);
        }

        var (kindStatus, title) = Problems.Describe(kind);
        var problem = new ProblemDetails
        {
            Type = Problems.TypeOf(kind),
            Title = status == kindStatus ? title : Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
            Status = status,
            Detail = detail,
        };
        foreach (var (key, value) in Problems.Extensions(kind))
        {
            problem.Extensions[key] = value;
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static (ErrorKind Kind, int Status, string Detail) Map(Exception exception)
    {
        switch (exception)
        {
            case ThermoclineException ex:
                return (ex.Kind, Problems.Describe(ex.Kind).Status, ex.Message);
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return (ErrorKind.Usage, StatusCodes.Status413PayloadTooLarge, ProblemShape.BodyTooLarge);
            case BadHttpRequestException { InnerException: JsonException json }:
                return (ErrorKind.Usage, StatusCodes.Status400BadRequest, NotJson(json));
            case BadHttpRequestException ex:
                return (ErrorKind.Usage, ex.StatusCode is >= 400 and < 500 ? ex.StatusCode : StatusCodes.Status400BadRequest, $"the request could not be read: {ex.Message}");
            case JsonException ex:
                return (ErrorKind.Usage, StatusCodes.Status400BadRequest, NotJson(ex));
            case UnauthorizedAccessException or IOException:
                return Unavailable($"the file system refused the hub ({exception.Message}). Check that the repository and its .git are writable by the hub and the disk is not full; this request may not have taken effect — check with 'thermo status' before retrying.");
            case LibGit2Sharp.LibGit2SharpException:
                return Unavailable($"git failed ({exception.Message}); this request may not have taken effect — check with 'thermo status' before retrying.");
            case TimeoutException:
                return Unavailable($"a store did not answer in time ({exception.Message}); this request may not have taken effect — check with 'thermo status' before retrying.");
            default:
                return (ErrorKind.Other, StatusCodes.Status500InternalServerError, $"the hub failed unexpectedly ({exception.GetType().Name}); its log has the details.");
        }
    }

    // Where the JSON went wrong, not the serializer's message: that names the hub's own types.
    private static string NotJson(JsonException ex) =>
        $"the request body is not the JSON this operation takes: it goes wrong at {ex.Path ?? "$"} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); see README's HTTP API for the fields.";

    private static (ErrorKind, int, string) Unavailable(string detail) => (ErrorKind.Unavailable, StatusCodes.Status503ServiceUnavailable, detail);

    [LoggerMessage(5100, LogLevel.Error, "Unexpected failure serving {Method} {Path}")]
    private static partial void Unexpected(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(5101, LogLevel.Warning, "A store refused while serving {Method} {Path}; answered 503")]
    private static partial void StoreFailed(ILogger logger, Exception exception, string method, string path);
}
