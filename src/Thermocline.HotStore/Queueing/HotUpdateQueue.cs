namespace Thermocline.HotStore.Queueing;

/// <summary>
/// A bounded first-in first-out queue of hot updates held while Redis is unreachable. An update leaves the queue only
/// after it was applied (or refused for good), so a replay interrupted by another outage resumes at the same update.
/// </summary>
internal sealed class HotUpdateQueue(int capacity)
{
    private readonly Queue<PendingHotUpdate> _items = new();
    private readonly Lock _lock = new();
    private int _count;
    private long _enqueued;
    private long _replayed;

    public int Capacity => capacity;

    public int Count => Volatile.Read(ref _count); // read by every hot update: no lock

    /// <summary>Updates ever queued.</summary>
    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>Queued updates that have left the queue (applied or refused).</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>Adds <paramref name="update"/> at the end, or returns false when the queue is full.</summary>
    public bool TryEnqueue(PendingHotUpdate update)
    {
        lock (_lock)
        {
            if (_items.Count >= capacity)
            {
                return false;
            }

            _items.Enqueue(update);
            Volatile.Write(ref _count, _items.Count);
            _enqueued++;
            return true;
        }
    }

    /// <summary>The oldest update, left in place.</summary>
    public bool TryPeek(out PendingHotUpdate? update)
    {
        lock (_lock)
        {
            return _items.TryPeek(out update);
        }
    }

    /// <summary>
    /// The oldest updates, left in place: at most <paramref name="count"/>, and all of the oldest one's type (the kinds
    /// travel different paths — scripts through the batcher, plain commands straight — and could overtake each other
    /// if sent together).
    /// </summary>
    public List<PendingHotUpdate> PeekMany(int count)
    {
        lock (_lock)
        {
            var kind = _items.TryPeek(out var head) ? head.GetType() : null;
            return _items.Take(count).TakeWhile(u => u.GetType() == kind).ToList();
        }
    }

    /// <summary>Removes the oldest update, which must be <paramref name="update"/> (only the one replayer removes).</summary>
    public void Remove(PendingHotUpdate update)
    {
        lock (_lock)
        {
            if (_items.TryPeek(out var head) && ReferenceEquals(head, update))
            {
                _items.Dequeue();
                Volatile.Write(ref _count, _items.Count);
                _replayed++;
            }
        }
    }
}
