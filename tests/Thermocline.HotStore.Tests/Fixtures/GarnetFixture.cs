using Thermocline.HotStore.Embedded;

namespace Thermocline.HotStore.Tests.Fixtures;

/// <summary>One embedded Garnet per test class, exactly as the hub starts it.</summary>
public sealed class GarnetFixture : IStoreServer, IAsyncLifetime
{
    private EmbeddedGarnet? _garnet;

    public string ConnectionString => _garnet?.ConnectionString ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _garnet = await EmbeddedGarnet.StartAsync(null, null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_garnet is not null)
        {
            await _garnet.DisposeAsync();
        }
    }
}
