using System.Globalization;
using System.Text;

namespace Thermocline.Sync.Events;

/// <summary>A Prometheus-style histogram of durations in seconds, with fixed buckets from 0.5 ms to 10 s.</summary>
public sealed class LatencyHistogram
{
    private static readonly double[] Bounds = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];
    private readonly long[] _buckets = new long[Bounds.Length];
    private readonly Lock _gate = new();
    private double _sum;
    private long _count;

    /// <summary>Records one duration.</summary>
    public void Observe(TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        lock (_gate)
        {
            _sum += seconds;
            _count++;
            for (var i = 0; i < Bounds.Length; i++)
            {
                if (seconds <= Bounds[i])
                {
                    _buckets[i]++;
                }
            }

            Last = duration;
        }
    }

    /// <summary>How many durations were recorded.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>The most recent duration, or null.</summary>
    public TimeSpan? Last { get; private set; }

    /// <summary>Appends the histogram in Prometheus text format.</summary>
    public void Render(StringBuilder sb, string name, string help)
    {
        lock (_gate)
        {
            sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
            for (var i = 0; i < Bounds.Length; i++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"{Bounds[i]}\"}} {_buckets[i]}\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"+Inf\"}} {_count}\n{name}_sum {_sum}\n{name}_count {_count}\n");
        }
    }
}
