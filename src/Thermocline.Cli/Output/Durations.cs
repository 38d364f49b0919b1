using System.Globalization;

namespace Thermocline.Cli.Output;

/// <summary>Durations for people (<c>42s</c>, <c>3m05s</c>) and parsing of <c>--every 30s</c>.</summary>
internal static class Durations
{
    public static string Format(double? seconds) => seconds switch
    {
        null => "-",
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0}s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)}m{(int)(seconds % 60):00}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 3600)}h{(int)(seconds % 3600 / 60):00}m"),
    };

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (text.Length < 2)
        {
            return false;
        }

        var unit = text[^1];
        var number = text[..^1];
        if (unit == 's' && number.EndsWith('m'))
        {
            unit = 'x';
            number = number[..^1];
        }

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        value = unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'x' => TimeSpan.FromMilliseconds(n),
            _ => TimeSpan.Zero,
        };
        return value > TimeSpan.Zero;
    }
}
