using System.Text.Json;
using System.Text.Json.Serialization;

namespace Thermocline.Cli.Output;

/// <summary>The one JSON style of <c>--json</c> output: camelCase, enums as kebab-case strings, indented.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Options));

    /// <summary>One line, for output that scripts read line by line (e.g. <c>thermo hub --json</c>).</summary>
    public static void WriteLine<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Compact));
}
