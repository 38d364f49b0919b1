namespace Thermocline.HotStore.Queueing;

/// <summary>What became of a hot update that may be queued.</summary>
public enum HotWriteResult
{
    /// <summary>Redis applied it.</summary>
    Applied,

    /// <summary>
    /// Redis was unreachable: the update waits in the store's bounded queue and is replayed, in order, on reconnect.
    /// A lease it carries is checked then; if it has gone stale by that time the update is dropped and logged.
    /// </summary>
    Queued,
}
