namespace Thermocline.HotStore.Connection;

/// <summary>What the hot store is connected to, as the servers say once connected.</summary>
internal enum ServerTopology
{
    /// <summary>One server with no replica (embedded Garnet, a plain redis-server): script batching on, no WAIT.</summary>
    Standalone,

    /// <summary>A master with replicas, e.g. through Sentinel: batching on; a claim waits for one replica (WAIT).</summary>
    Replicated,

    /// <summary>A Redis Cluster: one slot per PR, so no batching; a claim waits for one replica of its master (WAIT).</summary>
    Cluster,
}
