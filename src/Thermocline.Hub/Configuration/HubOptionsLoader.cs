using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Thermocline.Domain.Errors;

namespace Thermocline.Hub.Configuration;

/// <summary>
/// Builds <see cref="HubOptions"/> with .NET's configuration system: the repository's <c>.thermocline.json</c> (the JSON
/// provider), then the <c>THERMO_*</c> environment, then the command's flags — a later source wins — bound to the
/// options and checked by <see cref="HubOptionsValidator"/>, whose messages name the bad setting and the source it came
/// from. Each setting has one key (as in the file) and, where it has them, one flag and one variable (<see cref="Settings"/>).
/// </summary>
public static class HubOptionsLoader
{
    /// <summary>Values given as flags; null = not given.</summary>
    public sealed record Flags(string? Repository, string? Redis, int? Port, string? Bind, string? Token, string? KeyPrefix, string? Branch = null, string? Remote = null, string? Advertise = null);

    /// <summary>One setting: its configuration key (the file's), its flag and its environment variable, and whether the file may set it.</summary>
    private sealed record Setting(string Key, string? Flag, string? Variable, bool InFile = true);

    private static readonly Setting[] Settings =
    [
        new("repo", "--repo", "THERMO_REPO", InFile: false), // where the file is
        new("redis", "--redis", "THERMO_REDIS"),
        new("port", "--port", "THERMO_PORT"),
        new("bind", "--bind", "THERMO_BIND"),
        new("branch", "--branch", "THERMO_BRANCH"),
        new("remote", "--remote", "THERMO_REMOTE"),
        new("fetchIntervalSeconds", null, "THERMO_FETCH_INTERVAL_SECONDS"),
        new("advertise", "--advertise", "THERMO_ADVERTISE"),
        new("leaderTtlSeconds", null, "THERMO_LEADER_TTL_SECONDS"),
        new("token", "--token", "THERMO_TOKEN", InFile: false), // a secret does not belong in the repository
        new("keyPrefix", "--key-prefix", "THERMO_KEY_PREFIX"),
        new("persist", null, null),
        new("displayIntervalSeconds", null, "THERMO_DISPLAY_INTERVAL_SECONDS"),
        new("heartbeatTtlSeconds", null, "THERMO_HEARTBEAT_TTL_SECONDS"),
        new("maxLeaseTtlSeconds", null, "THERMO_MAX_LEASE_TTL_SECONDS"),
        new("otlpEndpoint", null, HubOptions.OtlpEndpointVariable),
    ];

    /// <summary>Loads and validates the options; throws <see cref="ThermoclineException"/> (usage) naming what is wrong and where it was set.</summary>
    public static HubOptions Load(Flags flags, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(environment);
        var given = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["repo"] = flags.Repository,
            ["redis"] = flags.Redis,
            ["port"] = flags.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["bind"] = flags.Bind,
            ["branch"] = flags.Branch,
            ["remote"] = flags.Remote,
            ["advertise"] = flags.Advertise,
            ["token"] = flags.Token,
            ["keyPrefix"] = flags.KeyPrefix,
        };
        var fromFlags = new NamedSource(Settings.Where(s => given.GetValueOrDefault(s.Key) is not null).ToDictionary(s => s.Key, s => (given[s.Key], s.Flag!)));
        var fromEnvironment = new NamedSource(Settings.Where(s => s.Variable is not null && !string.IsNullOrEmpty(environment(s.Variable)))
            .ToDictionary(s => s.Key, s => ((string?)environment(s.Variable!), s.Variable!)));

        // The repository comes first: the file is in it.
        var root = Path.GetFullPath(new ConfigurationBuilder().Add(fromEnvironment).Add(fromFlags).Build()["repo"] ?? ".");
        var builder = new ConfigurationBuilder();
        // A file provider that sees dot files (the default one hides them), read once (no watching).
        using var files = new PhysicalFileProvider(root, ExclusionFilters.None);
        if (File.Exists(Path.Combine(root, HubDefaults.ConfigFileName)))
        {
            builder.AddJsonFile(files, HubDefaults.ConfigFileName, optional: false, reloadOnChange: false);
        }

        var configuration = Build(builder.Add(fromEnvironment).Add(fromFlags), root);
        CheckFile(configuration, root);
        var options = new HubOptions();
        foreach (var setting in Settings)
        {
            if (SourceOf(configuration, setting.Key, root) is { } source)
            {
                options.Sources[HubOptions.PropertyOf(setting.Key)] = source;
            }
        }

        Bind(configuration, options);
        options.Validate();
        return options;
    }

    private static IConfigurationRoot Build(IConfigurationBuilder builder, string root)
    {
        try
        {
            return (IConfigurationRoot)builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            var file = Path.Combine(root, HubDefaults.ConfigFileName);
            throw ThermoclineException.Usage($"{file} is not valid JSON ({(ex.InnerException ?? ex).Message}); it should be an object such as {{\"port\": 7420}}.");
        }
    }

    // The file may set only the settings it has keys for, never the token, and nothing unknown.
    private static void CheckFile(IConfigurationRoot configuration, string root)
    {
        if (configuration.Providers.OfType<JsonConfigurationProvider>().FirstOrDefault() is not { } file)
        {
            return;
        }

        var path = Path.Combine(root, HubDefaults.ConfigFileName);
        var keys = file.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (keys.Contains("token", StringComparer.OrdinalIgnoreCase))
        {
            throw ThermoclineException.Usage($"{path} sets \"token\"; a secret does not belong in a file in the repository. Use THERMO_TOKEN.");
        }

        var known = Settings.Where(s => s.InFile).Select(s => s.Key).ToList();
        var unknown = keys.Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw ThermoclineException.Usage($"{path} has unknown setting(s): {string.Join(", ", unknown)}; known: {string.Join(", ", known)}.");
        }
    }

    // The configuration binder, with its conversion failure (a port of "abc") said as the hub says it: which setting, from where.
    private static void Bind(IConfigurationRoot configuration, HubOptions options)
    {
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException)
        {
            var bad = Settings.FirstOrDefault(s => !Converts(configuration, s.Key));
            if (bad is null)
            {
                throw;
            }

            var property = HubOptions.PropertyOf(bad.Key);
            throw ThermoclineException.Usage(
                $"invalid hub setting {property} (from {options.Sources[property]}): '{configuration[bad.Key]}' is not {HubOptions.KindOf(property)}.");
        }
    }

    private static bool Converts(IConfiguration configuration, string key)
    {
        var property = typeof(HubOptions).GetProperty(HubOptions.PropertyOf(key))!;
        try
        {
            configuration.GetSection(key).Get(property.PropertyType);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // Where a key's value came from: the last source that has it (later sources win).
    private static string? SourceOf(IConfigurationRoot configuration, string key, string root)
    {
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (provider.TryGet(key, out _))
            {
                return provider is NamedSource.Provider named ? named.NameOf(key) : $"{HubDefaults.ConfigFileName} in {root}";
            }
        }

        return null;
    }

    /// <summary>Settings from the environment or the flags, each remembering the variable or flag it was given as.</summary>
    private sealed class NamedSource(Dictionary<string, (string? Value, string Name)> values) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(values);

        internal sealed class Provider : ConfigurationProvider
        {
            private readonly Dictionary<string, string> _names = new(StringComparer.OrdinalIgnoreCase);

            public Provider(Dictionary<string, (string? Value, string Name)> values)
            {
                foreach (var (key, (value, name)) in values)
                {
                    Data[key] = value;
                    _names[key] = name;
                }
            }

            public string NameOf(string key) => _names[key];
        }
    }
}
