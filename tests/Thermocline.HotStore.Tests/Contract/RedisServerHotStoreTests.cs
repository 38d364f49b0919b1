using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>The contract against a real redis-server process.</summary>
public sealed class RedisServerHotStoreTests(RedisServerFixture server) : HotStoreContract(server), IClassFixture<RedisServerFixture>;
