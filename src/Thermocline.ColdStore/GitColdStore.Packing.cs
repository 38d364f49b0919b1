using Thermocline.ColdStore.Git;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    /// <summary>
    /// Packs all loose objects into one pack now (libgit2's pack builder, like an incremental
    /// <c>git repack -d</c>). Commits go on meanwhile. Returns how many objects were packed.
    /// </summary>
    public async Task<int> PackAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _packing;
        var (count, elapsed) = await Task.Run(() => LooseObjectPacker.PackTimed(_commonDir), cancellationToken);
        ColdStoreLog.Packed(_logger, count, elapsed.TotalMilliseconds);
        return count;
    }

    /// <summary>Counts loose objects (what <see cref="PackAsync"/> would pack).</summary>
    public Task<int> CountLooseObjectsAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => LooseObjectPacker.CountLoose(_commonDir), cancellationToken);

    /// <summary>
    /// Every <see cref="ColdStoreOptions.PackCheckInterval"/> commits, counts loose objects in the background
    /// and packs them past <see cref="ColdStoreOptions.PackLooseObjectThreshold"/>, off the commit path.
    /// </summary>
    private void SchedulePackCheck()
    {
        if (_options.PackCheckInterval == 0 || Interlocked.Increment(ref _commitsSincePackCheck) < _options.PackCheckInterval || !_packing.IsCompleted)
        {
            return;
        }

        Interlocked.Exchange(ref _commitsSincePackCheck, 0);
        _packing = Task.Run(() =>
        {
            try
            {
                if (LooseObjectPacker.CountLoose(_commonDir) > _options.PackLooseObjectThreshold)
                {
                    var (count, elapsed) = LooseObjectPacker.PackTimed(_commonDir);
                    ColdStoreLog.Packed(_logger, count, elapsed.TotalMilliseconds);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ColdStoreLog.PackFailed(_logger, ex);
            }
        });
    }
}
