namespace Thermocline.Hub.Tests.Support;

/// <summary>The hot store a hub under test runs on.</summary>
public enum Store
{
    /// <summary>The embedded Garnet the hub starts in-process (no --redis).</summary>
    Embedded,

    /// <summary>A real Redis: a redis-server process or a cluster (--redis CONNECTION, with a key prefix of the test's own).</summary>
    Redis,
}
