using System.Globalization;

namespace Thermocline.Benchmarks;

/// <summary>Percentiles of a set of timings, in milliseconds.</summary>
internal sealed class Stats
{
    private readonly double[] _sorted;

    public Stats(IEnumerable<double> samplesMs)
    {
        _sorted = samplesMs.Order().ToArray();
        if (_sorted.Length == 0)
        {
            throw new ArgumentException("no samples", nameof(samplesMs));
        }
    }

    public int Count => _sorted.Length;

    public double Median => Percentile(50);

    public double P99 => Percentile(99);

    public double Mean => _sorted.Average();

    public double Percentile(double p)
    {
        var rank = p / 100 * (_sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return _sorted[lo] + ((_sorted[hi] - _sorted[lo]) * (rank - lo));
    }

    /// <summary>Times <paramref name="action"/> <paramref name="runs"/> times after one warm-up run.</summary>
    public static Stats Of(int runs, Func<object> action)
    {
        action();
        var samples = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            GC.KeepAlive(action());
            samples.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return new Stats(samples);
    }

    public static string Ms(double ms) => ms < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{ms * 1000:F1} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{ms:F2} ms");

    public static string Ratio(double value, double baseline) =>
        string.Create(CultureInfo.InvariantCulture, $"{value / baseline:F2}x");
}
