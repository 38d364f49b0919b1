using System.Globalization;
using System.Text.Json;
using Thermocline.Domain.Errors;

namespace Thermocline.Hub.Configuration;

/// <summary>Builds <see cref="HubOptions"/> from flags, then environment, then <c>.thermocline.json</c>, then defaults.</summary>
public static class HubOptionsLoader
{
    /// <summary>Values given as flags; null = not given.</summary>
    public sealed record Flags(string? Repository, string? Redis, int? Port, string? Bind, string? Token, string? KeyPrefix, string? Branch = null);

    /// <summary>Loads and validates the options.</summary>
    public static HubOptions Load(Flags flags, Func<string, string?> environment)
    {
        var options = new HubOptions();
        Set(options, nameof(HubOptions.Repository), flags.Repository, "--repo", environment("THERMO_REPO"), "THERMO_REPO", v => options.Repository = v);

        var repoRoot = Path.GetFullPath(options.Repository);
        var file = Path.Combine(repoRoot, HubDefaults.ConfigFileName);
        var config = File.Exists(file) ? ReadConfig(file) : new Dictionary<string, JsonElement>();
        string? FromFile(string key) => config.TryGetValue(key, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;
        var fileSource = $"{HubDefaults.ConfigFileName} in {repoRoot}";

        Set(options, nameof(HubOptions.Redis), flags.Redis, "--redis", environment("THERMO_REDIS"), "THERMO_REDIS", v => options.Redis = v, FromFile("redis"), fileSource);
        Set(options, nameof(HubOptions.Port), flags.Port?.ToString(CultureInfo.InvariantCulture), "--port", environment("THERMO_PORT"), "THERMO_PORT",
            v => options.Port = ParseInt(v, options, nameof(HubOptions.Port)), FromFile("port"), fileSource);
        Set(options, nameof(HubOptions.Bind), flags.Bind, "--bind", environment("THERMO_BIND"), "THERMO_BIND", v => options.Bind = v, FromFile("bind"), fileSource);
        Set(options, nameof(HubOptions.Branch), flags.Branch, "--branch", environment("THERMO_BRANCH"), "THERMO_BRANCH", v => options.Branch = v, FromFile("branch"), fileSource);
        Set(options, nameof(HubOptions.Token), flags.Token, "--token", environment("THERMO_TOKEN"), "THERMO_TOKEN", v => options.Token = v);
        Set(options, nameof(HubOptions.KeyPrefix), flags.KeyPrefix, "--key-prefix", environment("THERMO_KEY_PREFIX"), "THERMO_KEY_PREFIX", v => options.KeyPrefix = v, FromFile("keyPrefix"), fileSource);
        Set(options, nameof(HubOptions.PersistEmbedded), null, "", null, "", v => options.PersistEmbedded = ParseBool(v, options, nameof(HubOptions.PersistEmbedded)), FromFile("persist"), fileSource);
        Set(options, nameof(HubOptions.DisplayIntervalSeconds), null, "", environment("THERMO_DISPLAY_INTERVAL_SECONDS"), "THERMO_DISPLAY_INTERVAL_SECONDS",
            v => options.DisplayIntervalSeconds = ParseDouble(v, options, nameof(HubOptions.DisplayIntervalSeconds)), FromFile("displayIntervalSeconds"), fileSource);
        Set(options, nameof(HubOptions.HeartbeatTtlSeconds), null, "", environment("THERMO_HEARTBEAT_TTL_SECONDS"), "THERMO_HEARTBEAT_TTL_SECONDS",
            v => options.HeartbeatTtlSeconds = ParseDouble(v, options, nameof(HubOptions.HeartbeatTtlSeconds)), FromFile("heartbeatTtlSeconds"), fileSource);
        Set(options, nameof(HubOptions.MaxLeaseTtlSeconds), null, "", environment("THERMO_MAX_LEASE_TTL_SECONDS"), "THERMO_MAX_LEASE_TTL_SECONDS",
            v => options.MaxLeaseTtlSeconds = ParseDouble(v, options, nameof(HubOptions.MaxLeaseTtlSeconds)), FromFile("maxLeaseTtlSeconds"), fileSource);
        Set(options, nameof(HubOptions.OtlpEndpoint), null, "", environment(HubOptions.OtlpEndpointVariable), HubOptions.OtlpEndpointVariable,
            v => options.OtlpEndpoint = new Uri(v, UriKind.RelativeOrAbsolute), FromFile("otlpEndpoint"), fileSource);
        if (config.ContainsKey("token"))
        {
            throw ThermoclineException.Usage($"{file} sets \"token\"; a secret does not belong in a file in the repository. Use THERMO_TOKEN.");
        }

        var unknown = config.Keys.Except(["redis", "port", "bind", "branch", "keyPrefix", "persist", "displayIntervalSeconds", "heartbeatTtlSeconds", "maxLeaseTtlSeconds", "otlpEndpoint"], StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw ThermoclineException.Usage($"{file} has unknown setting(s): {string.Join(", ", unknown)}; known: redis, port, bind, branch, keyPrefix, persist, displayIntervalSeconds, heartbeatTtlSeconds, maxLeaseTtlSeconds, otlpEndpoint.");
        }

        options.Validate();
        return options;
    }

    private static void Set(
        HubOptions options, string name, string? flag, string flagName, string? env, string envName, Action<string> apply, string? file = null, string? fileSource = null)
    {
        var (value, source) = flag is not null ? (flag, flagName)
            : !string.IsNullOrEmpty(env) ? (env, envName)
            : file is not null ? (file, fileSource!)
            : (null, null);
        if (value is null)
        {
            return;
        }

        options.Sources[name] = source!;
        apply(value);
    }

    private static Dictionary<string, JsonElement> ReadConfig(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(stream) ?? [];
        }
        catch (JsonException ex)
        {
            throw ThermoclineException.Usage($"{file} is not valid JSON ({ex.Message}); it should be an object such as {{\"port\": 7420}}.");
        }
    }

    private static int ParseInt(string value, HubOptions options, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw ThermoclineException.Usage($"invalid hub setting {name} (from {options.Sources[name]}): '{value}' is not a whole number.");

    private static double ParseDouble(string value, HubOptions options, string name) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n
            : throw ThermoclineException.Usage($"invalid hub setting {name} (from {options.Sources[name]}): '{value}' is not a number.");

    private static bool ParseBool(string value, HubOptions options, string name) =>
        bool.TryParse(value, out var b) ? b
            : throw ThermoclineException.Usage($"invalid hub setting {name} (from {options.Sources[name]}): '{value}' is not true or false.");
}
