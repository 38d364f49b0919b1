using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>The batch script on embedded Garnet.</summary>
public sealed class GarnetBatchScriptTests(GarnetFixture server) : BatchScriptContract(server), IClassFixture<GarnetFixture>;
