using System.Net;
using Microsoft.Extensions.Configuration;
using Thermocline.Domain.Errors;

namespace Thermocline.Hub.Configuration;

/// <summary>
/// Settings of <c>thermo hub</c>. Each comes from a flag, else an environment variable, else the repository's
/// <c>.thermocline.json</c>, else its default (<see cref="HubOptionsLoader"/>); <see cref="HubOptionsValidator"/> names the
/// bad setting and where it came from. Durations are set in seconds, as the file and the variables give them, and read
/// as <see cref="TimeSpan"/>s.
/// </summary>
public sealed class HubOptions
{
    /// <summary>The repository (<c>--repo</c>, <c>THERMO_REPO</c>, <c>repo</c>); default the current directory.</summary>
    [ConfigurationKeyName("repo")]
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

    /// <summary>
    /// A git remote whose copy of the branch is the branch of record (<c>--remote</c>, <c>THERMO_REMOTE</c>, <c>remote</c>),
    /// e.g. <c>origin</c>: every milestone, dependency and display commit is pushed there before it is acknowledged.
    /// Default null: commits stay in this clone.
    /// </summary>
    public string? Remote { get; set; }

    /// <summary>Seconds between fetches of the remote's branch (<c>fetchIntervalSeconds</c>, <c>THERMO_FETCH_INTERVAL_SECONDS</c>); default 10.</summary>
    public double FetchIntervalSeconds { get; set; } = 10;

    /// <summary>The time between fetches of the remote's branch.</summary>
    public TimeSpan FetchInterval => TimeSpan.FromSeconds(FetchIntervalSeconds);

    /// <summary>
    /// The URL clients reach this hub at (<c>--advertise</c>, <c>THERMO_ADVERTISE</c>, <c>advertise</c>), e.g.
    /// <c>http://10.0.0.5:7420</c>. Setting it makes the hub one of a group that shares one Redis (<c>--redis</c>) and one
    /// remote (<c>--remote</c>): one of them is active, the others stand by, serve reads and send writers to the active
    /// one, and take over when it dies. Default null: a hub on its own.
    /// </summary>
    public string? Advertise { get; set; }

    /// <summary>Seconds the group's leader lease lasts unrenewed (<c>leaderTtlSeconds</c>, <c>THERMO_LEADER_TTL_SECONDS</c>); default 5.</summary>
    public double LeaderTtlSeconds { get; set; } = 5;

    /// <summary>How long the group's leader lease lasts unrenewed: a standby takes over about this long after the active hub died.</summary>
    public TimeSpan LeaderTtl => TimeSpan.FromSeconds(LeaderTtlSeconds);

    /// <summary>Prefix of every Redis key (<c>--key-prefix</c>, <c>THERMO_KEY_PREFIX</c>, <c>keyPrefix</c>); default empty.</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>Keep the embedded store's data under <c>.git/thermocline/garnet</c> (<c>persist</c>); default false: git is the truth and is replayed at start.</summary>
    [ConfigurationKeyName("persist")]
    public bool PersistEmbedded { get; set; }

    /// <summary>Seconds between display syncs (<c>displayIntervalSeconds</c>); default 30.</summary>
    public double DisplayIntervalSeconds { get; set; } = 30;

    /// <summary>The time between display syncs.</summary>
    public TimeSpan DisplayInterval => TimeSpan.FromSeconds(DisplayIntervalSeconds);

    /// <summary>Seconds a hot state lives after its last heartbeat (<c>heartbeatTtlSeconds</c>); default 300.</summary>
    public double HeartbeatTtlSeconds { get; set; } = 300;

    /// <summary>How long a hot state lives after its last heartbeat.</summary>
    public TimeSpan HeartbeatTtl => TimeSpan.FromSeconds(HeartbeatTtlSeconds);

    /// <summary>The longest lease a claim may ask for with <c>--ttl</c>, in seconds (<c>maxLeaseTtlSeconds</c>); default 3600.</summary>
    public double MaxLeaseTtlSeconds { get; set; } = 3600;

    /// <summary>The longest lease a claim may ask for.</summary>
    public TimeSpan MaxLeaseTtl => TimeSpan.FromSeconds(MaxLeaseTtlSeconds);

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

    /// <summary>Throws <see cref="ThermoclineException"/> (usage) naming the first bad setting and its source (<see cref="HubOptionsValidator"/>).</summary>
    public void Validate()
    {
        if (new HubOptionsValidator().Validate(null, this) is { Failed: true } result)
        {
            throw ThermoclineException.Usage(result.FailureMessage);
        }
    }

    /// <summary>The property a configuration key sets: <c>repo</c> → Repository, <c>port</c> → Port.</summary>
    internal static string PropertyOf(string key) => key switch
    {
        "repo" => nameof(Repository),
        "persist" => nameof(PersistEmbedded),
        _ => char.ToUpperInvariant(key[0]) + key[1..],
    };

    /// <summary>What a setting's value must be, for a message: "a whole number", "a number", "true or false".</summary>
    internal static string KindOf(string property) => typeof(HubOptions).GetProperty(property)!.PropertyType switch
    {
        var t when t == typeof(int) => "a whole number",
        var t when t == typeof(double) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(Uri) => "a URL",
        _ => "a valid value",
    };
}
