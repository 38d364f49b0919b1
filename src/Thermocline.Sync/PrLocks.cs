using System.Collections.Concurrent;

namespace Thermocline.Sync;

/// <summary>One lock per PR: transitions of one PR are serialized, different PRs proceed in parallel.</summary>
internal sealed class PrLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string prId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(prId, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
