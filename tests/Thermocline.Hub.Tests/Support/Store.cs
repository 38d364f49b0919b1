namespace Thermocline.Hub.Tests.Support;

/// <summary>The hot store a hub under test runs on.</summary>
public enum Store
{
    /// <summary>The embedded Garnet the hub starts in-process (no --redis).</summary>
    Embedded,

    /// <summary>A real redis-server process (--redis 127.0.0.1:PORT, with a key prefix of the test's own).</summary>
    Redis,
}
