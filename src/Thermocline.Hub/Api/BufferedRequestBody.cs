using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Thermocline.Hub.Api;

/// <summary>
/// Reads a request's body (at most <see cref="HubDefaults.MaxRequestBodyBytes"/>, in memory) before the endpoint
/// binds it. Minimal APIs treat a body that Kestrel cuts off at its size limit as an I/O error they swallow, and
/// Kestrel then answers a bare 413 after the pipeline is done — past every exception handler and status page. Read
/// here, the limit's <see cref="BadHttpRequestException"/> reaches <see cref="ApiExceptionHandler"/> instead, which
/// answers it with a problem document like every other error.
/// </summary>
internal sealed class BufferedRequestBody(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            context.Request.EnableBuffering(bufferThreshold: (int)HubDefaults.MaxRequestBodyBytes + 1);
            await context.Request.Body.DrainAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
        }

        await next(context);
    }
}
