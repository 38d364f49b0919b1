using System.Globalization;

namespace Thermocline.Benchmarks;

/// <summary>The benchmarks' own arguments (<c>--transitions 200</c>), one way for all of them.</summary>
internal static class BenchArgs
{
    /// <summary>The positive whole number after <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public static int Int(IReadOnlyList<string> args, string name, int fallback)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0)
            {
                return v;
            }
        }

        return fallback;
    }
}
