using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Thermocline.Domain.States;

namespace Thermocline.Sync.Events;

/// <summary>Counters and timings of the state sync, rendered for <c>/metrics</c> in Prometheus text format.</summary>
public sealed class SyncMetrics
{
    private readonly ConcurrentDictionary<string, long> _transitions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _conflicts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _displaySyncs = new(StringComparer.Ordinal);
    private long _errors;
    private long _redisCatchUps;

    /// <summary>Git commit latency of milestones and dependency updates.</summary>
    public LatencyHistogram CommitLatency { get; } = new();

    /// <summary>Duration of display syncs (whether they committed or not).</summary>
    public LatencyHistogram DisplaySyncDuration { get; } = new();

    /// <summary>Duration of hydrations of Redis from git.</summary>
    public LatencyHistogram HydrationDuration { get; } = new();

    /// <summary>Duration of start-ups, from the first read of git to serving.</summary>
    public LatencyHistogram StartupDuration { get; } = new();

    /// <summary>Counts one transition of <paramref name="kind"/> (<c>release</c> for a release).</summary>
    public void CountTransition(string kind) => _transitions.AddOrUpdate(kind, 1, static (_, n) => n + 1);

    /// <summary>Counts one transition of <paramref name="kind"/>.</summary>
    public void CountTransition(TransitionKind kind) => CountTransition(kind switch
    {
        TransitionKind.ColdToCold => "cold_to_cold",
        TransitionKind.ColdToHot => "cold_to_hot",
        TransitionKind.HotToHot => "hot_to_hot",
        _ => "hot_to_cold",
    });

    /// <summary>Counts one conflict found, by kind.</summary>
    public void CountConflict(string kind) => _conflicts.AddOrUpdate(kind, 1, static (_, n) => n + 1);

    /// <summary>Counts one display sync, by outcome.</summary>
    public void CountDisplaySync(string outcome) => _displaySyncs.AddOrUpdate(outcome, 1, static (_, n) => n + 1);

    /// <summary>Counts one error.</summary>
    public void CountError() => Interlocked.Increment(ref _errors);

    /// <summary>Counts one Redis update that failed after its git commit (Redis catches up at reconciliation).</summary>
    public void CountRedisCatchUp() => Interlocked.Increment(ref _redisCatchUps);

    /// <summary>Transitions counted so far, by kind.</summary>
    public IReadOnlyDictionary<string, long> Transitions => _transitions;

    /// <summary>Conflicts counted so far, by kind.</summary>
    public IReadOnlyDictionary<string, long> Conflicts => _conflicts;

    /// <summary>Errors counted so far.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Renders every metric; <paramref name="queuedHotUpdates"/> and <paramref name="degraded"/> come from the hot store.</summary>
    public string RenderPrometheus(int queuedHotUpdates, bool degraded, bool taskListBroken)
    {
        var sb = new StringBuilder();
        Counter(sb, "thermocline_transitions_total", "Transitions by kind.", "kind", _transitions);
        Counter(sb, "thermocline_conflicts_total", "Redis/git conflicts found, by kind.", "kind", _conflicts);
        Counter(sb, "thermocline_display_syncs_total", "Display syncs, by outcome.", "outcome", _displaySyncs);
        sb.Append(CultureInfo.InvariantCulture, $"# HELP thermocline_errors_total Errors in the state sync.\n# TYPE thermocline_errors_total counter\nthermocline_errors_total {Errors}\n");
        sb.Append(CultureInfo.InvariantCulture, $"# HELP thermocline_redis_catch_ups_total Redis updates that failed after a good git commit.\n# TYPE thermocline_redis_catch_ups_total counter\nthermocline_redis_catch_ups_total {Interlocked.Read(ref _redisCatchUps)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"# HELP thermocline_queued_hot_updates Hot updates waiting for Redis.\n# TYPE thermocline_queued_hot_updates gauge\nthermocline_queued_hot_updates {queuedHotUpdates}\n");
        sb.Append(CultureInfo.InvariantCulture, $"# HELP thermocline_degraded 1 while Redis is unreachable or updates are queued.\n# TYPE thermocline_degraded gauge\nthermocline_degraded {(degraded ? 1 : 0)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"# HELP thermocline_task_list_broken 1 while the task list at HEAD does not parse.\n# TYPE thermocline_task_list_broken gauge\nthermocline_task_list_broken {(taskListBroken ? 1 : 0)}\n");
        CommitLatency.Render(sb, "thermocline_commit_duration_seconds", "Git commit latency of milestones and dependency updates.");
        DisplaySyncDuration.Render(sb, "thermocline_display_sync_duration_seconds", "Duration of display syncs.");
        HydrationDuration.Render(sb, "thermocline_hydration_duration_seconds", "Duration of hydrating Redis from git.");
        StartupDuration.Render(sb, "thermocline_startup_duration_seconds", "Duration of start-up (recovery included).");
        return sb.ToString();
    }

    private static void Counter(StringBuilder sb, string name, string help, string label, ConcurrentDictionary<string, long> values)
    {
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n");
        foreach (var (key, value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}{{{label}=\"{key}\"}} {value}\n");
        }
    }
}
