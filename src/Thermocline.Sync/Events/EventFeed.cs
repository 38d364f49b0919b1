using System.Threading.Channels;

namespace Thermocline.Sync.Events;

/// <summary>
/// Every event of this hub run, in order, each with a number one higher than the last: the one mechanism behind the
/// API's event stream, waiting claims and tests. The newest <see cref="Capacity"/> events are kept, so a reader that
/// lost its connection resumes after the last number it saw; one that fell further behind is told it missed events
/// (<see cref="Subscription.Missed"/>) and re-reads the state instead. Each reader has a bounded queue of its own: one
/// that does not keep up is cut off (<see cref="Subscription.Overflowed"/>) instead of holding events for everyone.
/// </summary>
public sealed class EventFeed
{
    /// <summary>Events kept for readers that resume.</summary>
    public const int Capacity = 10_000;

    /// <summary>Events queued for one reader before it is cut off (a milestone that unblocks thousands emits one each).</summary>
    public const int ReaderQueue = Capacity;

    private readonly Lock _gate = new();
    private readonly SyncEvent?[] _ring = new SyncEvent?[Capacity];
    private readonly List<Subscription> _readers = [];
    private long _last;

    /// <summary>This hub run, in every event id: numbers resume only within one run.</summary>
    public string Run { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The number of the newest event (0 before the first).</summary>
    public long Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Numbers <paramref name="e"/> and hands it to every reader; returns it numbered.</summary>
    public SyncEvent Append(SyncEvent e)
    {
        lock (_gate)
        {
            var numbered = e with { Id = ++_last };
            _ring[(numbered.Id - 1) % Capacity] = numbered;
            for (var i = _readers.Count - 1; i >= 0; i--)
            {
                if (!_readers[i].Offer(numbered))
                {
                    _readers.RemoveAt(i);
                }
            }

            return numbered;
        }
    }

    /// <summary>
    /// Starts reading after event <paramref name="after"/> (null: only what happens from now on). The kept events after
    /// it come first, then each new one as it happens, with nothing missed or repeated in between.
    /// </summary>
    public Subscription Subscribe(long? after = null)
    {
        lock (_gate)
        {
            var from = after ?? _last;
            var oldest = Math.Max(1, _last - Capacity + 1);
            var missed = from < oldest - 1 || from > _last;
            var replay = new List<SyncEvent>();
            for (var id = Math.Max(from + 1, oldest); id <= _last && !missed; id++)
            {
                replay.Add(_ring[(id - 1) % Capacity]!);
            }

            var reader = new Subscription(this, replay, missed);
            _readers.Add(reader);
            return reader;
        }
    }

    /// <summary>The kept events after <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<SyncEvent> Recent(long after = 0)
    {
        using var reader = Subscribe(after);
        return reader.Replay;
    }

    /// <summary>The event number in an id this stream gave out (<c>RUN-N</c>), or null when it is another run's or not one.</summary>
    public long? ParseId(string? id)
    {
        if (id is null || id.Length <= Run.Length + 1 || !id.StartsWith(Run, StringComparison.Ordinal) || id[Run.Length] != '-')
        {
            return null;
        }

        return long.TryParse(id.AsSpan(Run.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>The id a reader sees for <paramref name="e"/>.</summary>
    public string IdOf(SyncEvent e) => $"{Run}-{e.Id}";

    /// <summary>
    /// Waits for the first event after <paramref name="after"/> that <paramref name="wakes"/> accepts; true when one came,
    /// false when the stream missed events (the caller should look again).
    /// </summary>
    public async Task<bool> WaitAsync(long after, Func<SyncEvent, bool> wakes, CancellationToken cancellationToken)
    {
        using var reader = Subscribe(after);
        if (reader.Missed)
        {
            return false;
        }

        if (reader.Replay.Any(wakes))
        {
            return true;
        }

        await foreach (var e in reader.ReadAllAsync(cancellationToken))
        {
            if (wakes(e))
            {
                return true;
            }
        }

        return false; // cut off: the caller looks again
    }

    private void Remove(Subscription reader)
    {
        lock (_gate)
        {
            _readers.Remove(reader);
        }
    }

    /// <summary>One reader of the stream: the kept events it asked for, then a queue of new ones. Dispose to stop.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly EventFeed _stream;
        private readonly Channel<SyncEvent> _queue = Channel.CreateBounded<SyncEvent>(new BoundedChannelOptions(ReaderQueue) { SingleReader = true, SingleWriter = true });
        private volatile bool _disposed;

        internal Subscription(EventFeed stream, IReadOnlyList<SyncEvent> replay, bool missed)
        {
            _stream = stream;
            Replay = replay;
            Missed = missed;
        }

        /// <summary>The kept events after the one asked for, oldest first.</summary>
        public IReadOnlyList<SyncEvent> Replay { get; }

        /// <summary>True when events after the one asked for are no longer kept (or the number was never given out).</summary>
        public bool Missed { get; }

        /// <summary>True once the reader fell <see cref="ReaderQueue"/> events behind and was cut off.</summary>
        public bool Overflowed { get; private set; }

        /// <summary>New events as they happen; ends when the reader is cut off or disposed.</summary>
        public IAsyncEnumerable<SyncEvent> ReadAllAsync(CancellationToken cancellationToken) => _queue.Reader.ReadAllAsync(cancellationToken);

        /// <summary>The queue of new events itself; completes when the reader is cut off or disposed.</summary>
        public ChannelReader<SyncEvent> Queue => _queue.Reader;

        /// <summary>Stops reading.</summary>
        public void Dispose()
        {
            _stream.Remove(this);
            _disposed = true;
            _queue.Writer.TryComplete();
        }

        // Under the stream's lock: false when the reader is full (it is cut off) or gone.
        internal bool Offer(SyncEvent e)
        {
            if (_disposed)
            {
                return false;
            }

            if (_queue.Writer.TryWrite(e))
            {
                return true;
            }

            Overflowed = true;
            _queue.Writer.TryComplete();
            return false;
        }
    }
}
