namespace Thermocline.Sync;

public sealed partial class StateSync
{
    /// <summary>How far the durable fence ceiling is raised past a fence that reached it: one git write per this many claims.</summary>
    private const long FenceBlock = 1000;

    private readonly SemaphoreSlim _fenceGate = new(1, 1);
    private long _fenceCeiling;

    /// <summary>
    /// Fences only grow, whatever happens to Redis: every claim's fence is above the hot store's floor, which is kept at
    /// the durable ceiling (the ref <c>refs/thermocline/fence-ceiling</c>: no fence above it was ever handed out) and at
    /// the highest fence this process handed out. Without a ceiling yet, git's milestone commits give the first one.
    /// </summary>
    private async Task LoadFenceCeilingAsync(CancellationToken cancellationToken)
    {
        var ceiling = await _cold.ReadFenceCeilingAsync(cancellationToken)
            ?? (await _cold.GetHistoryAsync(null, null, cancellationToken)).Max(m => m.Lease) ?? 0;
        Interlocked.Exchange(ref _fenceCeiling, ceiling);
        _hot.FenceFloor = ceiling;
    }

    /// <summary>
    /// Before a claim's lease is answered: its fence is below the durable ceiling (raised in git first when it reached it),
    /// and the next claim, of any PR, is above it even if Redis is wiped in between.
    /// </summary>
    private async Task CoverFenceAsync(long fence, CancellationToken cancellationToken)
    {
        _hot.FenceFloor = fence;
        if (fence <= Interlocked.Read(ref _fenceCeiling))
        {
            return;
        }

        await _fenceGate.WaitAsync(cancellationToken);
        try
        {
            if (fence > _fenceCeiling)
            {
                var ceiling = fence + FenceBlock;
                await WriteGitAsync(async () =>
                {
                    await _cold.RaiseFenceCeilingAsync(ceiling, cancellationToken);
                    return ceiling;
                });
                Interlocked.Exchange(ref _fenceCeiling, ceiling);
            }
        }
        finally
        {
            _fenceGate.Release();
        }
    }
}
