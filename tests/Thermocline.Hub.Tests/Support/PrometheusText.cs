using System.Globalization;
using System.Text.RegularExpressions;

namespace Thermocline.Hub.Tests.Support;

/// <summary>Reads samples out of the Prometheus text format that <c>/metrics</c> serves (labels in any order, an optional timestamp).</summary>
internal static partial class PrometheusText
{
    /// <summary>Every sample of <paramref name="metric"/> as (labels, value).</summary>
    public static IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> Samples(string text, string metric) =>
        [.. text.Split('\n').Select(l => Sample().Match(l)).Where(m => m.Success && m.Groups["name"].Value == metric).Select(m => (
            (IReadOnlyDictionary<string, string>)Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value, StringComparer.Ordinal),
            double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture)))];

    /// <summary>The one sample of <paramref name="metric"/> whose <paramref name="label"/> is <paramref name="value"/> (any labels when null); null when there is none.</summary>
    public static double? Value(string text, string metric, string? label = null, string? value = null) =>
        Samples(text, metric).Where(s => label is null || s.Labels.GetValueOrDefault(label) == value).Select(s => (double?)s.Value).SingleOrDefault();

    /// <summary>The samples of <paramref name="metric"/> by the value of <paramref name="label"/>, as <c>key=value</c> pairs in order.</summary>
    public static string ByLabel(string text, string metric, string label) => string.Join(" ", Samples(text, metric)
        .Select(s => $"{s.Labels.GetValueOrDefault(label)}={s.Value.ToString(CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
