using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Thermocline.ColdStore;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore;
using Thermocline.Sync.Events;
using Thermocline.Sync.Reconciliation;

namespace Thermocline.Sync;

/// <summary>
/// The coordinator of the design document: git holds the cold state and always wins, Redis holds the hot state.
/// Cold transitions commit to git first and update Redis after (a failed Redis update leaves the milestone
/// standing; reconciliation catches up); hot transitions touch Redis only. Transitions of one PR are serialized,
/// different PRs proceed in parallel. Start with <see cref="StartAsync"/>, stop with <see cref="StopAsync"/>;
/// the background cycles (display, sweep, reconciliation) call <see cref="SyncDisplayAsync"/>,
/// <see cref="SweepExpiredAsync"/> and <see cref="ReconcileAsync"/>.
/// </summary>
public sealed partial class StateSync : IDisposable
{
    private readonly GitColdStore _cold;
    private readonly RedisHotStore _hot;
    private readonly SyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PrLocks _locks = new();
    private readonly SemaphoreSlim _dependencyGate = new(1, 1);
    private readonly RedisReconciliation _reconciliation;
    private readonly ConcurrentDictionary<string, (long Fence, DateTimeOffset Since)> _claims = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private TaskList? _lastGood;
    private string? _taskListProblem;

    /// <summary>
    /// Coordinates <paramref name="cold"/> and <paramref name="hot"/>; both stay owned by the caller. Measurements go to a
    /// <see cref="SyncMetrics.MeterName"/> meter from <paramref name="meterFactory"/> (the host's), else to one of its own.
    /// </summary>
    public StateSync(GitColdStore cold, RedisHotStore hot, SyncOptions? options = null, TimeProvider? timeProvider = null, ILogger<StateSync>? logger = null, IMeterFactory? meterFactory = null)
    {
        _cold = cold;
        _hot = hot;
        _options = options ?? new SyncOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<StateSync>.Instance;
        _reconciliation = new RedisReconciliation(hot);
        Metrics = new SyncMetrics(meterFactory, () => _hot.QueuedUpdates, () => _hot.IsDegraded, () => TaskListProblem is not null);
    }

    /// <summary>Every transition, commit, conflict, change seen in git and error, numbered: the API's event stream reads it.</summary>
    public EventFeed Events { get; } = new();

    /// <summary>Counters and timings (<see cref="SyncMetrics.MeterName"/>), recorded by the observations.</summary>
    internal SyncMetrics Metrics { get; }

    /// <summary>The git side.</summary>
    internal GitColdStore ColdStore => _cold;

    /// <summary>The Redis side.</summary>
    internal RedisHotStore HotStore => _hot;

    /// <summary>The settings in force.</summary>
    public SyncOptions Options => _options;

    /// <summary>When the task list at HEAD does not parse: its errors (cold commits are refused meanwhile); else null.</summary>
    public string? TaskListProblem
    {
        get
        {
            lock (_gate)
            {
                return _taskListProblem;
            }
        }
    }

    /// <summary>Releases the locks; the stores stay open (the caller owns them).</summary>
    public void Dispose()
    {
        _dependencyGate.Dispose();
        _claimNextGate.Dispose();
        Metrics.Dispose();
    }

    /// <summary>
    /// The task list at HEAD. When it does not parse, the problem is recorded and reported once, and the last good
    /// list is returned instead (null when there never was one): state is never cleared because of a broken file.
    /// </summary>
    private async Task<TaskList?> ReadGitAsync(CancellationToken cancellationToken)
    {
        var list = await _cold.ReadTaskListAsync(cancellationToken);
        return Observe(list) ? list : LastGood;
    }

    /// <summary>The task list at HEAD for a cold commit: refused while it does not parse.</summary>
    private Task<TaskList> ReadGitForCommitAsync(CancellationToken cancellationToken) => ReadCurrentGitAsync("cold commits are refused", cancellationToken);

    /// <summary>
    /// The task list at HEAD for a decision (a commit, a claim): refused while it does not parse, since the last good
    /// list may hold what a person has since changed. <paramref name="refused"/> says what waits.
    /// </summary>
    private async Task<TaskList> ReadCurrentGitAsync(string refused, CancellationToken cancellationToken)
    {
        var list = await _cold.ReadTaskListAsync(cancellationToken);
        if (!Observe(list))
        {
            throw ThermoclineException.BadTaskList(
                $"{_cold.TaskListPath} at HEAD does not parse, so {refused} until it is fixed and committed (thermo validate {_cold.TaskListPath}):{Environment.NewLine}{list.DescribeErrors(_cold.TaskListPath)}");
        }

        return list;
    }

    private TaskList? LastGood
    {
        get
        {
            lock (_gate)
            {
                return _lastGood;
            }
        }
    }

    // Records whether the list at HEAD parses; reports each change between broken and repaired once.
    private bool Observe(TaskList list)
    {
        string? broke = null;
        var repaired = false;
        lock (_gate)
        {
            if (!list.HasErrors)
            {
                repaired = _taskListProblem is not null;
                _taskListProblem = null;
                _lastGood = list;
            }
            else
            {
                var problem = list.DescribeErrors(_cold.TaskListPath);
                if (problem != _taskListProblem)
                {
                    _taskListProblem = broke = problem;
                }
            }
        }

        if (broke is not null)
        {
            ObserveTaskListBroken(broke);
        }
        else if (repaired)
        {
            ObserveTaskListRepaired();
        }

        return !list.HasErrors;
    }

    private TaskList RequireList(TaskList? list) => list ?? throw ThermoclineException.BadTaskList(
        $"{_cold.TaskListPath} at HEAD does not parse and the hub has no earlier good version of it:{Environment.NewLine}{TaskListProblem}");

    private static void ValidateIds(string prId, string agent)
    {
        if (!PrId.IsValid(prId))
        {
            throw ThermoclineException.InvalidPrId(prId);
        }

        ValidateAgent(agent);
    }

    private static void ValidateAgent(string agent)
    {
        if (!AgentId.IsValid(agent))
        {
            throw ThermoclineException.InvalidAgentId(agent);
        }
    }
}
