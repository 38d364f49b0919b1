using System.Diagnostics.Metrics;
using Thermocline.Domain.States;

namespace Thermocline.Sync.Events;

/// <summary>
/// The state sync's measurements, on the <see cref="MeterName"/> meter of <c>System.Diagnostics.Metrics</c> with
/// OpenTelemetry's naming (dotted lower-case names, units, <c>thermocline.*</c> attributes). The hub serves them at
/// <c>/metrics</c> through OpenTelemetry's Prometheus exporter (<c>thermocline.transitions</c> becomes
/// <c>thermocline_transitions_total</c>, a duration in <c>s</c> gets <c>_seconds</c>). Recorded by the state sync's
/// observations (<c>StateSync.Observations.cs</c>), together with the log line and the event.
/// </summary>
public sealed class SyncMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>AddMeter</c> and <c>MetricCollector</c>.</summary>
    public const string MeterName = "Thermocline.Sync";

    /// <summary>The attribute that names a transition's kind (<c>cold-to-hot</c>, …, <c>release</c>, <c>add</c>).</summary>
    public const string TransitionKindAttribute = "thermocline.transition.kind";

    /// <summary>The attribute that names a conflict's kind (<c>HotStateContradictsGit</c>, …).</summary>
    public const string ConflictKindAttribute = "thermocline.conflict.kind";

    /// <summary>The attribute that names a display sync's outcome (<c>committed</c>, <c>skipped_unchanged</c>, …).</summary>
    public const string DisplaySyncOutcomeAttribute = "thermocline.display_sync.outcome";

    /// <summary>The attribute that says what a commit was (<c>milestone</c> or <c>dependencies</c>).</summary>
    public const string CommitKindAttribute = "thermocline.commit.kind";

    // 0.5 ms to 10 s, as before: a cold commit takes milliseconds, a start-up on a large list seconds.
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _transitions;
    private readonly Histogram<double> _transitionDuration;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _displaySyncs;
    private readonly Counter<long> _expiredLeases;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _redisCatchUps;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<double> _displaySyncDuration;
    private readonly Histogram<double> _hydrationDuration;
    private readonly Histogram<double> _startupDuration;

    /// <summary>
    /// Creates the instruments on a meter from <paramref name="meterFactory"/> (the host's, so its exporters and tests'
    /// collectors see this instance only), or on a meter of its own when there is none. The gauges read
    /// <paramref name="queuedHotUpdates"/>, <paramref name="degraded"/> and <paramref name="taskListBroken"/> when collected.
    /// </summary>
    public SyncMetrics(IMeterFactory? meterFactory, Func<int> queuedHotUpdates, Func<bool> degraded, Func<bool> taskListBroken)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _transitions = _meter.CreateCounter<long>("thermocline.transitions", "{transition}", "Transitions, by kind (releases and additions too).");
        _transitionDuration = Durations("thermocline.transition.duration", "Duration of a transition, from the request to the answer, by kind.");
        _conflicts = _meter.CreateCounter<long>("thermocline.conflicts", "{conflict}", "Redis/git conflicts found, by kind (git wins).");
        _displaySyncs = _meter.CreateCounter<long>("thermocline.display_syncs", "{sync}", "Display syncs, by outcome.");
        _expiredLeases = _meter.CreateCounter<long>("thermocline.leases.expired", "{lease}", "Leases that expired without a heartbeat; their hot states were swept.");
        _errors = _meter.CreateCounter<long>("thermocline.errors", "{error}", "Errors in the state sync and its cycles.");
        _redisCatchUps = _meter.CreateCounter<long>("thermocline.redis.catch_ups", "{update}", "Redis updates that failed after a good git commit (reconciliation catches up).");
        _commitDuration = Durations("thermocline.commit.duration", "Git commit latency of milestones and dependency updates, by kind.");
        _displaySyncDuration = Durations("thermocline.display_sync.duration", "Duration of display syncs (whether they committed or not).");
        _hydrationDuration = Durations("thermocline.hydration.duration", "Duration of hydrating Redis from git.");
        _startupDuration = Durations("thermocline.startup.duration", "Duration of start-up, recovery included.");
        _meter.CreateObservableUpDownCounter("thermocline.hot_updates.queued", queuedHotUpdates, "{update}", "Hot updates waiting for Redis.");
        _meter.CreateObservableGauge("thermocline.degraded", () => degraded() ? 1 : 0, null, "1 while Redis is unreachable or updates are queued.");
        _meter.CreateObservableGauge("thermocline.task_list.broken", () => taskListBroken() ? 1 : 0, null, "1 while the task list at the hub's branch does not parse.");
    }

    /// <summary>Counts one transition of <paramref name="kind"/> (<c>release</c> for a release, <c>add</c> and <c>edit</c> for an addition and an edit).</summary>
    public void CountTransition(string kind) => _transitions.Add(1, new KeyValuePair<string, object?>(TransitionKindAttribute, kind));

    /// <summary>Counts one transition of <paramref name="kind"/>.</summary>
    public void CountTransition(TransitionKind kind) => CountTransition(StateNames.Of(kind));

    /// <summary>Counts <paramref name="count"/> transitions of <paramref name="kind"/> (one dependency commit moves many PRs).</summary>
    public void CountTransitions(TransitionKind kind, int count) => _transitions.Add(count, new KeyValuePair<string, object?>(TransitionKindAttribute, StateNames.Of(kind)));

    /// <summary>Records how long one transition of <paramref name="kind"/> took.</summary>
    public void RecordTransitionDuration(string kind, TimeSpan duration) =>
        _transitionDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(TransitionKindAttribute, kind));

    /// <summary>Counts one conflict found, by kind.</summary>
    public void CountConflict(string kind) => _conflicts.Add(1, new KeyValuePair<string, object?>(ConflictKindAttribute, kind));

    /// <summary>Counts one display sync and records its duration, by outcome.</summary>
    public void RecordDisplaySync(string outcome, TimeSpan? duration)
    {
        _displaySyncs.Add(1, new KeyValuePair<string, object?>(DisplaySyncOutcomeAttribute, outcome));
        if (duration is { } d)
        {
            _displaySyncDuration.Record(d.TotalSeconds);
        }
    }

    /// <summary>Counts leases that expired and were swept.</summary>
    public void CountExpiredLeases(int count) => _expiredLeases.Add(count);

    /// <summary>Counts one error.</summary>
    public void CountError() => _errors.Add(1);

    /// <summary>Counts one Redis update that failed after its git commit (Redis catches up at reconciliation).</summary>
    public void CountRedisCatchUp() => _redisCatchUps.Add(1);

    /// <summary>Records one git commit's latency; <paramref name="kind"/> is <c>milestone</c> or <c>dependencies</c>.</summary>
    public void RecordCommit(string kind, TimeSpan duration) =>
        _commitDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(CommitKindAttribute, kind));

    /// <summary>Records one hydration of Redis from git.</summary>
    public void RecordHydration(TimeSpan duration) => _hydrationDuration.Record(duration.TotalSeconds);

    /// <summary>Records one start-up.</summary>
    public void RecordStartup(TimeSpan duration) => _startupDuration.Record(duration.TotalSeconds);

    /// <summary>Disposes the meter when it is this instance's own (a factory's meters are the factory's).</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private Histogram<double> Durations(string name, string description) =>
        _meter.CreateHistogram(name, "s", description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
}
