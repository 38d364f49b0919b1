using Thermocline.Testing;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>The batch script on a real redis-server process.</summary>
public sealed class RedisServerBatchScriptTests(RedisServerFixture server) : BatchScriptContract(server), IClassFixture<RedisServerFixture>;
