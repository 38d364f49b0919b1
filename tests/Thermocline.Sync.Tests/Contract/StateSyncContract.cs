using Thermocline.Domain.Errors;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Contract;

/// <summary>
/// The state sync against real git repositories and a real Redis-compatible server, run unchanged against every server
/// kind (see the derived classes). Every test has its own repository and its own key prefix.
/// </summary>
public abstract partial class StateSyncContract(IStoreServer server) : IAsyncLifetime
{
    private readonly List<SyncHarness> _harnesses = [];

    protected static CancellationToken Ct => CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var h in _harnesses)
        {
            await h.DisposeAsync();
        }
    }

    private protected async Task<SyncHarness> HarnessAsync(string? taskList = null, HarnessOptions? options = null)
    {
        var h = await SyncHarness.CreateAsync(server.ConnectionString, taskList, options);
        _harnesses.Add(h);
        return h;
    }

    protected static async Task<ThermoclineException> RefusedAsync(ErrorKind kind, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<ThermoclineException>(action);
        Assert.Equal(kind, e.Kind);
        return e;
    }

    private protected static List<SyncEvent> EventsOf(SyncHarness h, SyncEventKind kind) => h.Events.Where(e => e.Kind == kind).ToList();
}

/// <summary>The suite against a real redis-server process.</summary>
public sealed class RedisServerStateSyncTests(RedisServerFixture server) : StateSyncContract(server), IClassFixture<RedisServerFixture>;

/// <summary>The suite against embedded Garnet, started as the hub starts it.</summary>
public sealed class GarnetStateSyncTests(GarnetFixture server) : StateSyncContract(server), IClassFixture<GarnetFixture>;
