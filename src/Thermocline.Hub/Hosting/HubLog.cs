using Microsoft.Extensions.Logging;

namespace Thermocline.Hub.Hosting;

/// <summary>The hub's log messages (event ids 5000–5099). Connection strings never appear: only endpoints.</summary>
internal static partial class HubLog
{
    [LoggerMessage(5000, LogLevel.Information, "Repository {Repository}; hot store: {Kind} at {Endpoint}")]
    public static partial void Stores(ILogger logger, string repository, string kind, string endpoint);

    [LoggerMessage(5001, LogLevel.Information, "Hub listening on {Address} (authentication: {Auth}); Ctrl-C stops it cleanly")]
    public static partial void Listening(ILogger logger, string address, string auth);
}
