using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Thermocline.Domain.Errors;

namespace Thermocline.Hub.Api;

/// <summary>
/// The <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/> of the hub. The hub's own problems arrive complete;
/// the ones ASP.NET Core writes for a bare status (unknown route, wrong method, wrong content type, …) arrive with a
/// status and a title only, and get the rest here: the kind their status stands for, its exit code and type, and a
/// detail that says what to do instead.
/// </summary>
internal static class ProblemShape
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
        if (problem.Extensions.ContainsKey("kind"))
        {
            return;
        }

        var kind = KindOf(status);
        foreach (var (key, value) in Problems.Extensions(kind))
        {
            problem.Extensions[key] = value;
        }

        problem.Type = Problems.TypeOf(kind);
        problem.Detail ??= DetailOf(status, context.HttpContext);
    }

    private static ErrorKind KindOf(int status) => status switch
    {
        StatusCodes.Status404NotFound => ErrorKind.NotFound,
        StatusCodes.Status503ServiceUnavailable => ErrorKind.Unavailable,
        < 500 => ErrorKind.Usage,
        _ => ErrorKind.Other,
    };

    private static string DetailOf(int status, HttpContext context)
    {
        var request = context.Request;
        // The path as it would be sent (percent-encoded): whatever a caller put in it reaches no one's terminal raw.
        var target = $"{request.Method} {request.Path.ToUriComponent()}";
        return status switch
        {
            StatusCodes.Status404NotFound =>
                $"nothing is served at {target}; the hub serves /api/prs, /api/prs/{{id}}, /api/ready, /api/log, /api/reconcile, /healthz and /metrics.",
            StatusCodes.Status405MethodNotAllowed =>
                $"{request.Path.ToUriComponent()} does not take {request.Method}; it takes {(context.Response.Headers.Allow.Count > 0 ? context.Response.Headers.Allow.ToString() : "other methods")}.",
            StatusCodes.Status415UnsupportedMediaType =>
                $"{target} takes a JSON body: send it with Content-Type: application/json.",
            StatusCodes.Status413PayloadTooLarge => BodyTooLarge,
            StatusCodes.Status406NotAcceptable => "the hub answers in JSON only: accept application/json.",
            < 500 => $"the hub could not serve {target} ({status} {ReasonPhrases.GetReasonPhrase(status)}).",
            _ => $"the hub failed to serve {target} ({status} {ReasonPhrases.GetReasonPhrase(status)}); its log has the details.",
        };
    }

    /// <summary>The detail of a body over the limit.</summary>
    public static string BodyTooLarge { get; } =
        $"the request body is larger than the hub accepts ({HubDefaults.MaxRequestBodyBytes:N0} bytes).";
}
