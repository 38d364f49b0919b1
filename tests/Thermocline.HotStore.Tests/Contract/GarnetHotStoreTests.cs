using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>The contract against embedded Garnet, started as the hub starts it.</summary>
public sealed class GarnetHotStoreTests(GarnetFixture server) : HotStoreContract(server), IClassFixture<GarnetFixture>;
