using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Thermocline.Domain.Errors;
using Thermocline.HotStore.Connection;
using Thermocline.HotStore.Keys;
using Thermocline.HotStore.Logging;
using Thermocline.HotStore.Queueing;
using Thermocline.HotStore.Scripts;

namespace Thermocline.HotStore;

/// <summary>
/// The hot layer of SPEC.md in Redis (or Garnet): hot states with leases, fencing numbers, heartbeats and expiry,
/// plus the cache of git's cold states and dependency sets. Every check-and-set is one Lua script over one PR's keys,
/// so racing agents cannot both win. One long-lived connection per store; create it with <see cref="ConnectAsync"/>.
/// <para>
/// When Redis is unreachable, updates that need no answer to be useful — heartbeats, hot → hot transitions, releases,
/// clears and cold-state cache writes — are queued (bounded by <see cref="HotStoreOptions.MaxQueuedUpdates"/>) and
/// replayed in order on reconnect; they return <see cref="HotWriteResult.Queued"/>. Operations whose answer is the
/// point — claims, reads, lease checks, hydration, seeding, sweeps — fail fast with
/// <see cref="ThermoclineException"/> of kind <see cref="ErrorKind.Unavailable"/>. Nothing waits longer than
/// <see cref="HotStoreOptions.OperationTimeout"/>.
/// </para>
/// </summary>
public sealed partial class RedisHotStore : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _db;
    private readonly HotStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly HotUpdateQueue _queue;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _replayLoop;
    private readonly ScriptBatcher _scripts;

    private RedisHotStore(ConnectionMultiplexer connection, HotStoreOptions options, string endpoint, TimeProvider time, ILogger logger)
    {
        _connection = connection;
        _db = connection.GetDatabase();
        _options = options;
        _endpoint = endpoint;
        _time = time;
        _logger = logger;
        Keys = new RedisKeys(options.KeyPrefix);
        _queue = new HotUpdateQueue(options.MaxQueuedUpdates);
        _scripts = new ScriptBatcher(_db, CanBatch);
        _connection.ConnectionFailed += OnConnectionFailed;
        _connection.ConnectionRestored += OnConnectionRestored;
        _replayLoop = Task.Run(() => ReplayLoopAsync(_shutdown.Token));
    }

    /// <summary>The key layout this store writes.</summary>
    public RedisKeys Keys { get; }

    /// <summary>How long a hot state lives after the last heartbeat.</summary>
    public TimeSpan HeartbeatTtl => _options.HeartbeatTtl;

    /// <summary>The server's endpoints (never credentials).</summary>
    public string Endpoint => _endpoint;

    /// <summary>
    /// True while Redis is unreachable, queued updates still wait to be replayed, or — on a cluster — some slots have no
    /// reachable master (a master died and its replica is not promoted yet). It clears by itself once they are back.
    /// </summary>
    public bool IsDegraded => !_connection.IsConnected || _queue.Count > 0 || UnavailableSlots().Length > 0;

    /// <summary>Hot updates waiting for Redis.</summary>
    public int QueuedUpdates => _queue.Count;

    /// <summary>Script runs that carried several calls at once, and the calls they carried (see <see cref="ScriptBatcher"/>).</summary>
    internal (long Batches, long Calls) ScriptBatching => (_scripts.Batches, _scripts.BatchedCalls);

    /// <summary>Hot updates queued since the store started.</summary>
    public long TotalQueuedUpdates => _queue.Enqueued;

    /// <summary>Queued hot updates that have since been replayed (applied, or dropped as stale).</summary>
    public long TotalReplayedUpdates => _queue.Replayed;

    /// <summary>
    /// Connects to the Redis of <paramref name="options"/>. An unreachable server is not an error here: the store
    /// starts degraded and connects in the background.
    /// </summary>
    public static async Task<RedisHotStore> ConnectAsync(
        HotStoreOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = RedisEndpoint.Configure(options);
        var endpoint = RedisEndpoint.Describe(config);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisHotStore>();
        HotStoreLog.Connecting(logger, endpoint, options.KeyPrefix);
        var connection = await ConnectionMultiplexer.ConnectAsync(config).WaitAsync(cancellationToken);
        return new RedisHotStore(connection, options, endpoint, timeProvider ?? TimeProvider.System, logger);
    }

    /// <summary>Stops the replay loop and closes the connection; updates still queued are lost (git stays the truth).</summary>
    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        try
        {
            await _replayLoop;
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }

        _connection.ConnectionFailed -= OnConnectionFailed;
        _connection.ConnectionRestored -= OnConnectionRestored;
        await _connection.DisposeAsync();
        _shutdown.Dispose();
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private long TtlMs => (long)_options.HeartbeatTtl.TotalMilliseconds;

    /// <summary>Runs one Redis operation that must answer now, mapping storage failures to <see cref="ThermoclineException"/>.</summary>
    private async Task<T> RunAsync<T>(string what, Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await operation(); // ends within OperationTimeout; see ApplyOrQueueAsync on why no WaitAsync

        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw ThermoclineException.Unavailable($"Redis at {_endpoint} is unavailable: could not {what}.", e);
        }
        catch (RedisException e)
        {
            throw ThermoclineException.Failure($"Redis at {_endpoint} failed to {what}: {e.Message}", e);
        }
    }

    /// <summary>True for failures that mean "Redis is away" rather than "the request is wrong".</summary>
    /// <remarks>
    /// A cluster answers CLUSTERDOWN for a slot whose master failed until its replica is promoted, and TRYAGAIN while a
    /// slot moves: both pass, like LOADING and MASTERDOWN.
    /// </remarks>
    private static bool IsUnavailable(Exception e) => e is RedisConnectionException or RedisTimeoutException
        || (e is RedisServerException s && (s.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || s.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || s.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
            || s.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)));

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        HotStoreLog.ConnectionLost(_logger, _endpoint, e.FailureType.ToString());

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _topology = null;
        HotStoreLog.ConnectionRestored(_logger, _endpoint);
        KickReplay();
    }
}
