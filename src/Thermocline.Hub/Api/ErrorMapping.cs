using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Thermocline.Domain.Errors;

namespace Thermocline.Hub.Api;

/// <summary>
/// Turns every failure of a request into problem details: ours by their kind, malformed or oversized bodies as
/// usage errors, anything else as a 500 whose detail says where to look (the stack trace goes to the log only).
/// </summary>
internal sealed partial class ErrorMapping(RequestDelegate next, ILogger<ErrorMapping> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        IResult? problem;
        try
        {
            // Kestrel's own limit surfaces inside minimal APIs' body binding as an IOException they swallow, leaving a bare
            // 413; a declared oversized body is refused here, up front, as a usage problem.
            if (context.Request.ContentLength > HubDefaults.MaxRequestBodyBytes)
            {
                throw new BadHttpRequestException("request body too large", StatusCodes.Status413PayloadTooLarge);
            }

            await next(context);
            return;
        }
        catch (ThermoclineException ex)
        {
            problem = Problems.From(ex);
        }
        catch (BadHttpRequestException ex)
        {
            problem = Problems.Create(ErrorKind.Usage, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"the request body is larger than the hub accepts ({HubDefaults.MaxRequestBodyBytes:N0} bytes)."
                : $"the request could not be read: {ex.Message}");
        }
        catch (JsonException ex)
        {
            problem = Problems.Create(ErrorKind.Usage, $"the request body is not valid JSON for this operation: {ex.Message}");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            Unexpected(logger, ex, context.Request.Method, context.Request.Path);
            problem = Problems.Create(ErrorKind.Other, "the hub failed unexpectedly; its log has the details.");
        }

        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await problem.ExecuteAsync(context);
        }
    }

    [LoggerMessage(5100, LogLevel.Error, "Unexpected failure serving {Method} {Path}")]
    private static partial void Unexpected(ILogger logger, Exception exception, string method, string path);
}
