using StackExchange.Redis;
using Thermocline.Domain.Errors;

namespace Thermocline.HotStore.Connection;

/// <summary>Turns <see cref="HotStoreOptions"/> into StackExchange.Redis settings, and describes them without secrets.</summary>
internal static class RedisEndpoint
{
    /// <summary>The client settings: fail fast while disconnected (the store queues or refuses itself), bounded timeouts.</summary>
    public static ConfigurationOptions Configure(HotStoreOptions options)
    {
        ConfigurationOptions config;
        try
        {
            config = ConfigurationOptions.Parse(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            // The message may echo the string, password included: keep only the exception type.
            throw ThermoclineException.Usage($"The Redis connection string is not valid ({e.GetType().Name}); expected e.g. localhost:6379,password=…,ssl=true.");
        }

        var timeoutMs = (int)options.OperationTimeout.TotalMilliseconds;
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ConnectTimeout = timeoutMs;
        config.AsyncTimeout = timeoutMs;
        config.SyncTimeout = timeoutMs;
        config.ConnectRetry = 1;
        config.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 100, maxDeltaBackOffMilliseconds: 2_000);
        config.ClientName ??= "thermocline";
        return config;
    }

    /// <summary>The endpoints only, e.g. <c>127.0.0.1:6379</c>: safe to log.</summary>
    public static string Describe(ConfigurationOptions config) =>
        config.EndPoints.Count == 0 ? "(no endpoint)" : string.Join(",", config.EndPoints.Select(EndPointCollection.ToString));
}
