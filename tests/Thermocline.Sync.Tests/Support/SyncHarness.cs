using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Thermocline.ColdStore;
using Thermocline.HotStore;
using Thermocline.HotStore.Connection;
using Thermocline.Sync.Events;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Support;

/// <summary>How a harness is set up.</summary>
internal sealed record HarnessOptions
{
    /// <summary>Real time instead of a <see cref="FakeTimeProvider"/> (for waits inside the stores: lock backoff, replay).</summary>
    public bool RealTime { get; init; }

    public TimeSpan HeartbeatTtl { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public SyncOptions? Sync { get; init; }
}

/// <summary>
/// A real git repository in a temp folder holding a task list, a cold store on it, a hot store under a key prefix of
/// its own, and the <see cref="StateSync"/>s a test starts on them (several, to simulate a crash and a restart). All
/// cleaned up on dispose; only this test's keys are ever deleted.
/// </summary>
internal sealed class SyncHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 11, 14, 10, 30, 0, TimeSpan.Zero);

    private readonly List<StateSync> _syncs = [];
    private readonly List<RedisHotStore> _extraStores = [];
    private readonly HarnessOptions _options;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Dictionary<string, IDisposable> _collectors = new(StringComparer.Ordinal);
    private ConnectionMultiplexer? _raw;

    private SyncHarness(TempGitRepository repo, string connectionString, string prefix, TimeProvider time, HarnessOptions options)
    {
        Repo = repo;
        ConnectionString = connectionString;
        Prefix = prefix;
        Time = time;
        _options = options;
        // Collecting from the start: whatever a test's coordinators measure, from their first step, on this harness's
        // meter factory only (tests run in parallel, each with coordinators of its own).
        foreach (var name in (string[])["thermocline.transitions", "thermocline.conflicts", "thermocline.display_syncs", "thermocline.leases.expired", "thermocline.errors", "thermocline.redis.catch_ups"])
        {
            _collectors[name] = new MetricCollector<long>(Meters, SyncMetrics.MeterName, name, time);
        }

        foreach (var name in (string[])["thermocline.transition.duration", "thermocline.commit.duration", "thermocline.display_sync.duration", "thermocline.hydration.duration", "thermocline.startup.duration"])
        {
            _collectors[name] = new MetricCollector<double>(Meters, SyncMetrics.MeterName, name, time);
        }
    }

    /// <summary>The meter factory every coordinator of this harness measures on.</summary>
    public IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    /// <summary>What the coordinators recorded on <paramref name="instrument"/> since the harness was made.</summary>
    public MetricCollector<T> Metric<T>(string instrument)
        where T : struct => (MetricCollector<T>)_collectors[instrument];

    /// <summary>The sum of what was counted on <paramref name="instrument"/>, of measurements whose <paramref name="attribute"/> is <paramref name="value"/> (or all).</summary>
    public long Counted(string instrument, string? attribute = null, string? value = null) => Metric<long>(instrument).GetMeasurementSnapshot()
        .Where(m => attribute is null || (m.Tags.TryGetValue(attribute, out var v) && Equals(v, value)))
        .Sum(m => m.Value);

    public TempGitRepository Repo { get; }

    public string ConnectionString { get; }

    public string Prefix { get; }

    public TimeProvider Time { get; }

    /// <summary>The fake clock (throws when the harness runs on real time).</summary>
    public FakeTimeProvider FakeTime => Time as FakeTimeProvider ?? throw new InvalidOperationException("this harness runs on real time");

    public GitColdStore Cold { get; private set; } = null!;

    public RedisHotStore Hot { get; private set; } = null!;

    /// <summary>Every event of every StateSync of this harness.</summary>
    public IReadOnlyList<SyncEvent> Events => [.. _syncs.SelectMany(s => s.Events.Recent())];

    public static async Task<SyncHarness> CreateAsync(string connectionString, string? taskList = null, HarnessOptions? options = null)
    {
        options ??= new HarnessOptions();
        var text = taskList ?? SyncTaskList.Build(SyncTaskList.Default);
        // Made long before the clock starts: a hub's first commit long ago, not a cold commit in the display's quiet period.
        var repo = TempGitRepository.CreateWith(SyncTaskList.Path, text, SyncTaskList.BlockedByTheEngine(text), Start.AddDays(-30));
        var time = options.RealTime ? TimeProvider.System : new FakeTimeProvider(Start);
        var harness = new SyncHarness(repo, connectionString, $"st{Guid.NewGuid():N}:", time, options);
        try
        {
            harness.Cold = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = repo.WorkDir, LockTimeout = options.LockTimeout }, time);
            harness.Hot = await harness.OpenHotStoreAsync();
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Another hot store on the same server and prefix (what another process would see).</summary>
    public async Task<RedisHotStore> OpenHotStoreAsync(TimeSpan? heartbeatTtl = null)
    {
        var store = await RedisHotStore.ConnectAsync(
            new HotStoreOptions
            {
                ConnectionString = ConnectionString,
                KeyPrefix = Prefix,
                HeartbeatTtl = heartbeatTtl ?? _options.HeartbeatTtl,
                OperationTimeout = _options.OperationTimeout,
                ReplayInterval = TimeSpan.FromMilliseconds(50),
            },
            // The replay loop ticks on this clock: it must be real for queued updates to be retried.
            TimeProvider.System);
        _extraStores.Add(store);
        return store;
    }

    /// <summary>A new coordinator on the stores (not started).</summary>
    public StateSync NewSync(SyncOptions? options = null)
    {
        var sync = new StateSync(Cold, Hot, options ?? _options.Sync, Time, meterFactory: Meters);
        _syncs.Add(sync);
        return sync;
    }

    /// <summary>A new coordinator, started.</summary>
    public async Task<StateSync> StartSyncAsync(SyncOptions? options = null)
    {
        var sync = NewSync(options);
        await sync.StartAsync(CancellationToken.None);
        return sync;
    }

    /// <summary>A raw connection for setting up conflicts and checking keys.</summary>
    public async Task<IDatabase> RawAsync()
    {
        _raw ??= await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=false");
        return _raw.GetDatabase();
    }

    /// <summary>Deletes every key this harness's stores could have written (Redis wiped), never anything else.</summary>
    public async Task WipeRedisAsync(IEnumerable<string> prIds)
    {
        var db = await RawAsync();
        var keys = Hot.Keys;
        var all = prIds.SelectMany(id =>
        {
            var k = keys.For(id);
            return new RedisKey[] { k.HotState, k.Agent, k.Heartbeat, k.Lease, k.ColdState, k.Fence, k.Dependencies, k.Note, k.Paths, k.LastLease };
        }).Concat([keys.HotIndex, keys.PrIndex, keys.ReservedIndex, keys.LastDisplayUpdate, keys.CrashRecoveryNeeded]).ToArray();
        await db.KeyDeleteAsync(all);
    }

    public string Head() => Repo.Head();

    public int CommitCount() => int.Parse(Repo.Git("rev-list", "--count", "HEAD").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public string HeadTaskList() => Repo.Show("HEAD", SyncTaskList.Path);

    /// <summary>The raw message of a commit, exactly as stored.</summary>
    public string Message(string revision = "HEAD")
    {
        var raw = Repo.Git("cat-file", "commit", revision);
        return raw[(raw.IndexOf("\n\n", StringComparison.Ordinal) + 2)..];
    }

    /// <summary>Titles of every commit, newest first.</summary>
    public IReadOnlyList<string> Titles() => Repo.Git("log", "--format=%s").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A person commits <paramref name="text"/> as the task list with the git CLI.</summary>
    public string PersonCommits(string text, string message = "Edit the task list by hand")
    {
        Repo.WriteFile(SyncTaskList.Path, text);
        return Repo.CommitFiles(message, SyncTaskList.Path);
    }

    /// <summary>Moves the fake clock past the display quiet period (5 s).</summary>
    public void PassQuietPeriod() => FakeTime.Advance(TimeSpan.FromSeconds(6));

    public async ValueTask DisposeAsync()
    {
        foreach (var sync in _syncs)
        {
            sync.Dispose();
        }

        try
        {
            if (Hot is not null)
            {
                await WipeRedisAsync(Hot.Keys is { } ? KnownIds() : []);
            }
        }
        catch (RedisException)
        {
            // The server may be gone (an outage test); its data goes with it.
        }

        foreach (var store in _extraStores)
        {
            await store.DisposeAsync();
        }

        if (_raw is not null)
        {
            await _raw.DisposeAsync();
        }

        if (Cold is not null)
        {
            await Cold.DisposeAsync();
        }

        foreach (var collector in _collectors.Values)
        {
            collector.Dispose();
        }

        await _services.DisposeAsync();
        Repo.Dispose();
    }

    private static IEnumerable<string> KnownIds() => Enumerable.Range(1, 120).Select(i => $"PR-{i:D3}");
}
