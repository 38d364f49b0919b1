using StackExchange.Redis;
using Thermocline.HotStore.Connection;
using Thermocline.HotStore.Logging;

namespace Thermocline.HotStore;

public sealed partial class RedisHotStore
{
    // Found out once a server answers, forgotten on every reconnect (a failover can change it).
    private ServerTopology? _topology;
    private bool _slotsWereUnavailable;
    private long _replicatedClaims;

    /// <summary>Claims a replica acknowledged before they were answered (see <see cref="WaitForReplicaAsync"/>).</summary>
    internal long ReplicatedClaims => Interlocked.Read(ref _replicatedClaims);

    /// <summary>
    /// What the store is connected to, or null while no server answers. Any server saying "cluster" makes it a cluster
    /// (every node of one says so); otherwise a connected replica makes it <see cref="ServerTopology.Replicated"/>.
    /// </summary>
    internal ServerTopology? Topology
    {
        get
        {
            if (_topology is { } known)
            {
                return known;
            }

            var connected = _connection.GetServers().Where(s => s.IsConnected).ToArray();
            if (connected.Length == 0)
            {
                return null;
            }

            _topology = connected.Any(s => s.ServerType == ServerType.Cluster) ? ServerTopology.Cluster
                : connected.Any(s => s.IsReplica) ? ServerTopology.Replicated
                : ServerTopology.Standalone;
            return _topology;
        }
    }

    private bool IsCluster => Topology == ServerTopology.Cluster;

    // Batches only where one script may take keys of several PRs: a known non-cluster. Off while unknown (not connected:
    // nothing runs then anyway) and on a cluster, where every PR's keys are in a slot of their own and a script over two
    // slots is refused — even two slots of one node (CROSSSLOT; a script could reach undeclared keys of its node, but a
    // failover or resharding in the middle of such a batch would fail it half-applied). Measured by `bench cluster`.
    private bool CanBatch() => _options.ScriptBatching && Topology is ServerTopology.Standalone or ServerTopology.Replicated;

    /// <summary>
    /// On a cluster, the slot ranges whose master (as the client last learned the cluster's layout) is unreachable — a
    /// killed master before its replica is promoted — or empty. Calls on those slots fail as unavailable meanwhile.
    /// </summary>
    private string UnavailableSlots()
    {
        if (!IsCluster)
        {
            return "";
        }

        var layout = _connection.GetServers().Where(s => s.IsConnected).Select(s => s.ClusterConfiguration).FirstOrDefault(c => c is not null);
        if (layout is null)
        {
            return "";
        }

        var down = layout.Nodes
            .Where(n => !n.IsReplica && n.Slots.Count > 0 && (n.IsFail || n.EndPoint is null || !_connection.GetServer(n.EndPoint).IsConnected))
            .SelectMany(n => n.Slots).ToList();
        return string.Join(",", down);
    }

    /// <summary>
    /// Logs when slots lose their master and when every slot has one again, and replays what waited for them then.
    /// The client learns of a promoted replica by itself (the cluster redirects it, and it re-reads the layout), within
    /// a second of the promotion here.
    /// </summary>
    private void WatchSlots()
    {
        var down = UnavailableSlots();
        if (down.Length > 0 && !_slotsWereUnavailable)
        {
            HotStoreLog.SlotsUnavailable(_logger, _endpoint, down);
        }
        else if (down.Length == 0 && _slotsWereUnavailable)
        {
            HotStoreLog.SlotsAvailable(_logger, _endpoint);
            KickReplay();
        }

        _slotsWereUnavailable = down.Length > 0;
    }

    /// <summary>
    /// After a claim, on a cluster or a replicated master: waits (<c>WAIT 1</c>, at most
    /// <see cref="HotStoreOptions.ReplicaWaitTimeout"/>) until a replica of the PR's master has every write this
    /// connection made there, the claim's included. Replication is asynchronous: a master killed after answering a claim
    /// but before its replica had it would be replaced by a replica that never saw the lease, and a second agent could
    /// claim the PR while the first believes it holds it. Fences would still grow (the caller's <see cref="FenceFloor"/>
    /// is above every fence handed out), so the first holder's next heartbeat or milestone is refused — but both claims
    /// would have been acknowledged. With the wait, an acknowledged claim survives the failover of its master. A master
    /// with no replica left (its replica was promoted and nothing replaced it) is not waited for: there is nothing to
    /// wait for. Only claims wait: a lost heartbeat, hot transition or release costs liveness, not exclusivity, and git
    /// holds every milestone. Garnet does not support WAIT; it is never replicated here. A wait that times out leaves the
    /// claim standing (it was made) and is logged.
    /// </summary>
    private async Task WaitForReplicaAsync(string prId, RedisKey key, long fence)
    {
        var timeout = (long)Math.Min(_options.ReplicaWaitTimeout.TotalMilliseconds, _options.OperationTimeout.TotalMilliseconds);
        if (timeout == 0 || Topology is not (ServerTopology.Cluster or ServerTopology.Replicated))
        {
            return;
        }

        var master = _connection.GetServer(key);
        if (!HasReplica(master))
        {
            return;
        }

        var acknowledged = (long)await master.ExecuteAsync("WAIT", 1, timeout);
        if (acknowledged >= 1)
        {
            Interlocked.Increment(ref _replicatedClaims);
        }
        else
        {
            HotStoreLog.ClaimNotReplicated(_logger, prId, fence, timeout);
        }
    }

    private bool HasReplica(IServer master)
    {
        if (Topology == ServerTopology.Replicated)
        {
            return _connection.GetServers().Any(s => s.IsReplica && s.IsConnected);
        }

        var layout = master.ClusterConfiguration;
        var node = layout?[master.EndPoint];
        return node is not null && node.Children.Any(c => !c.IsFail && !c.IsPossiblyFail && c.IsConnected);
    }
}
