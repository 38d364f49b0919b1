using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Thermocline.ColdStore;
using Thermocline.HotStore;
using Thermocline.Sync;

namespace Thermocline.Hub.Hosting;

/// <summary>
/// The two stores, for the host's container. The host is built while the stores open, so the container is given this
/// instead of the stores themselves, and <see cref="Open"/> hands them over before anything asks for the state sync.
/// The stores stay the hub's to close (the container disposes only what it made: the state sync).
/// </summary>
internal sealed class HubStores
{
    private GitColdStore? _cold;
    private RedisHotStore? _hot;

    /// <summary>Registers the state sync, made from the stores once they are open.</summary>
    public IServiceCollection AddStateSync(IServiceCollection services) => services.AddSingleton(provider => new StateSync(
        _cold ?? throw new InvalidOperationException("the state sync was asked for before the git store opened"),
        _hot ?? throw new InvalidOperationException("the state sync was asked for before the hot store connected"),
        provider.GetRequiredService<SyncOptions>(),
        provider.GetRequiredService<TimeProvider>(),
        provider.GetRequiredService<ILogger<StateSync>>(),
        provider.GetRequiredService<IMeterFactory>()));

    /// <summary>The stores, once both are open.</summary>
    public void Open(GitColdStore cold, RedisHotStore hot)
    {
        _cold = cold;
        _hot = hot;
    }
}
