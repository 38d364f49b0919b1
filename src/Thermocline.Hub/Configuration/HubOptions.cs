using System.Net;
using Thermocline.Domain.Errors;
using Thermocline.HotStore.Keys;

namespace Thermocline.Hub.Configuration;

/// <summary>
/// Settings of <c>thermo hub</c>. Each comes from a flag, else an environment variable, else the repository's
/// <c>.thermocline.json</c>, else its default; <see cref="Validate"/> names the bad setting and where it came from.
/// </summary>
public sealed class HubOptions
{
    /// <summary>The repository (<c>--repo</c>, <c>THERMO_REPO</c>, <c>repo</c>); default the current directory.</summary>
    public string Repository { get; set; } = ".";

    /// <summary>A Redis connection string (<c>--redis</c>, <c>THERMO_REDIS</c>, <c>redis</c>); none = the embedded store.</summary>
    public string? Redis { get; set; }

    /// <summary>The port (<c>--port</c>, <c>THERMO_PORT</c>, <c>port</c>); default 7420; 0 picks a free one.</summary>
    public int Port { get; set; } = HubDefaults.Port;

    /// <summary>The address to listen on (<c>--bind</c>, <c>THERMO_BIND</c>, <c>bind</c>); default 127.0.0.1.</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>Bearer token (<c>--token</c>, <c>THERMO_TOKEN</c>); required off loopback. Never read from the config file, never logged.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// The branch the hub commits to (<c>--branch</c>, <c>THERMO_BRANCH</c>, <c>branch</c>); default null: the branch checked
    /// out when the hub starts. Validated by the cold store when it opens.
    /// </summary>
    public string? Branch { get; set; }

    /// <summary>Prefix of every Redis key (<c>--key-prefix</c>, <c>THERMO_KEY_PREFIX</c>, <c>keyPrefix</c>); default empty.</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>Keep the embedded store's data under <c>.git/thermocline/garnet</c> (<c>persist</c>); default false: git is the truth and is replayed at start.</summary>
    public bool PersistEmbedded { get; set; }

    /// <summary>Seconds between display syncs (<c>displayIntervalSeconds</c>); default 30.</summary>
    public double DisplayIntervalSeconds { get; set; } = 30;

    /// <summary>Seconds a hot state lives after its last heartbeat (<c>heartbeatTtlSeconds</c>); default 300.</summary>
    public double HeartbeatTtlSeconds { get; set; } = 300;

    /// <summary>The longest lease a claim may ask for with <c>--ttl</c>, in seconds (<c>maxLeaseTtlSeconds</c>); default 3600.</summary>
    public double MaxLeaseTtlSeconds { get; set; } = 3600;

    /// <summary>The standard OpenTelemetry variable that turns OTLP export on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Where to export metrics and traces over OTLP (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>otlpEndpoint</c>); default none:
    /// nothing is exported, <c>/metrics</c> is all. The other <c>OTEL_EXPORTER_OTLP_*</c> variables (protocol, headers) apply.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Where each setting came from, for error messages.</summary>
    public Dictionary<string, string> Sources { get; } = new(StringComparer.Ordinal);

    /// <summary>True when the hub listens on loopback only.</summary>
    public bool IsLoopback => Bind is "localhost" || (IPAddress.TryParse(Bind, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Throws <see cref="ThermoclineException"/> (usage) naming the first bad setting and its source.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw Bad(nameof(Port), $"port {Port} is out of range (0-65535)");
        }

        if (Bind is not "localhost" && !IPAddress.TryParse(Bind, out _))
        {
            throw Bad(nameof(Bind), $"bind address '{Bind}' is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)");
        }

        if (!IsLoopback && string.IsNullOrWhiteSpace(Token))
        {
            throw Bad(nameof(Bind), $"listening on {Bind} (off loopback) needs a bearer token: pass --token or set THERMO_TOKEN");
        }

        if (Token is { Length: < 16 })
        {
            throw Bad(nameof(Token), "the token is shorter than 16 characters; use a long random one (e.g. openssl rand -hex 32)");
        }

        if (Branch is not null && !ColdStore.ColdStoreOptions.IsValidBranchName(Branch))
        {
            throw Bad(nameof(Branch), $"'{Branch}' is not a branch name git accepts (no spaces, '..', '~', '^', ':', '?', '*', '[' or '\\')");
        }

        if (!RedisKeys.IsValidPrefix(KeyPrefix))
        {
            throw Bad(nameof(KeyPrefix), $"key prefix '{KeyPrefix}' is not valid: printable ASCII without spaces or braces, at most {RedisKeys.MaxPrefixLength} characters");
        }

        if (DisplayIntervalSeconds is < 1 or > 3600)
        {
            throw Bad(nameof(DisplayIntervalSeconds), $"display interval {DisplayIntervalSeconds} s is out of range (1-3600)");
        }

        if (HeartbeatTtlSeconds is < 1 or > 86_400)
        {
            throw Bad(nameof(HeartbeatTtlSeconds), $"heartbeat TTL {HeartbeatTtlSeconds} s is out of range (1-86400)");
        }

        if (MaxLeaseTtlSeconds is < 1 or > 86_400)
        {
            throw Bad(nameof(MaxLeaseTtlSeconds), $"max lease TTL {MaxLeaseTtlSeconds} s is out of range (1-86400)");
        }

        if (OtlpEndpoint is { } otlp && (!otlp.IsAbsoluteUri || otlp.Scheme is not ("http" or "https")))
        {
            throw Bad(nameof(OtlpEndpoint), $"OTLP endpoint '{otlp.OriginalString}' is not an http:// or https:// URL (e.g. http://localhost:4317)");
        }
    }

    private ThermoclineException Bad(string setting, string message) => ThermoclineException.Usage(
        $"invalid hub setting {setting}{(Sources.TryGetValue(setting, out var source) ? $" (from {source})" : "")}: {message}.");
}
