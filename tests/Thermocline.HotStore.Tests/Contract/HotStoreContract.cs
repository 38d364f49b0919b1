using Microsoft.Extensions.Time.Testing;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.HotStore.Connection;
using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>
/// The hot store's behaviour, run unchanged against every server kind (see the derived classes). Every test uses its
/// own stores under its own key prefix; nothing is ever flushed.
/// </summary>
public abstract partial class HotStoreContract(IStoreServer server) : IAsyncLifetime
{
    private readonly List<RedisHotStore> _stores = [];

    protected static CancellationToken Ct => CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 11, 14, 10, 30, 0, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>A store under a fresh prefix; <paramref name="prefix"/> shares one between stores.</summary>
    protected async Task<RedisHotStore> NewStoreAsync(TimeSpan? ttl = null, string? prefix = null)
    {
        var store = await RedisHotStore.ConnectAsync(
            new HotStoreOptions
            {
                ConnectionString = server.ConnectionString,
                KeyPrefix = prefix ?? $"t{Guid.NewGuid():N}:",
                HeartbeatTtl = ttl ?? TimeSpan.FromMinutes(5),
            },
            Time,
            null,
            Ct);
        _stores.Add(store);
        return store;
    }

    protected static async Task<ThermoclineException> RefusedAsync(ErrorKind kind, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<ThermoclineException>(action);
        Assert.Equal(kind, e.Kind);
        return e;
    }

    /// <summary>Claims PR with a short TTL and waits (on the condition, not a sleep) until its hot state expired.</summary>
    protected static async Task<Lease> ClaimAndLetExpireAsync(RedisHotStore store, string prId, string agent)
    {
        var lease = await store.ClaimAsync(prId, agent, HotState.InProgress, ColdState.Ready, Ct);
        await Eventually.ReturnsAsync(() => store.GetAsync(prId, Ct), s => !s.IsHot, $"{prId}'s hot state expired");
        return lease;
    }
}
