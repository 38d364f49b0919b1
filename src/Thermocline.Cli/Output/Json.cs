using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Output;

/// <summary>The one JSON style of <c>--json</c> output: camelCase, enums as kebab-case strings, indented.</summary>
internal static class Json
{
    // The hub's records come from the contract's generated metadata, so an agent command's --json reflects over nothing;
    // the few local shapes (validate's and init's results, the hub's address line) fall back to reflection.
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(HubJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    private static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Options));

    /// <summary>One line, for output that scripts read line by line (e.g. <c>thermo hub --json</c>).</summary>
    public static void WriteLine<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Compact));
}
