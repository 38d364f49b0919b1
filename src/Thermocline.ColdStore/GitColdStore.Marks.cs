using System.Globalization;
using System.Text;
using LibGit2Sharp;
using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    /// <summary>The ref holding the fence ceiling: a blob with one number. Outside refs/heads, so pushes and logs leave it be.</summary>
    public const string FenceCeilingRef = "refs/thermocline/fence-ceiling";

    /// <summary>
    /// The durable fence ceiling: no fence above it was ever handed out. Null when this repository has none yet (then only
    /// the leases of git's milestone commits are known).
    /// </summary>
    public Task<long?> ReadFenceCeilingAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(_ => ReadCeiling(), cancellationToken);

    /// <summary>
    /// Raises the fence ceiling to <paramref name="ceiling"/> (never lowers it), durably — a blob and a ref, fsynced like a
    /// commit — before the caller hands out any fence up to it.
    /// </summary>
    public async Task RaiseFenceCeilingAsync(long ceiling, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (ReadCeiling() >= ceiling)
            {
                return;
            }

            var text = ceiling.ToString(CultureInfo.InvariantCulture);
            var blob = _repo.ObjectDatabase.CreateBlob(new MemoryStream(Encoding.ASCII.GetBytes(text + "\n"), writable: false));
            _repo.Refs.Add(FenceCeilingRef, blob.Id, "fence ceiling " + text, allowOverwrite: true);
        }
        catch (Exception e) when (e is LibGit2SharpException or IOException or UnauthorizedAccessException)
        {
            throw ThermoclineException.Unavailable($"the fence ceiling could not be recorded in git ({e.Message}: a full disk or a read-only .git?).", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Marks a hub as running on this repository, durably beside git (<c>.git/thermocline/hub-running</c>); returns true
    /// when the mark was there already: the last hub did not stop cleanly, whatever Redis says (Redis may have been wiped).
    /// </summary>
    public bool MarkHubRunning()
    {
        var mark = Path.Combine(StateDirectory, "hub-running");
        try
        {
            var crashed = File.Exists(mark);
            File.WriteAllText(mark, string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}\n"));
            return crashed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ThermoclineException.Unavailable($"the hub cannot write {mark} ({e.Message}: a full disk or a read-only .git?).", e);
        }
    }

    /// <summary>Clears the mark of <see cref="MarkHubRunning"/> on a clean stop.</summary>
    public void MarkHubStopped() => File.Delete(Path.Combine(StateDirectory, "hub-running"));

    private long? ReadCeiling() =>
        _repo.Refs[FenceCeilingRef]?.ResolveToDirectReference()?.Target is Blob blob
        && long.TryParse(blob.GetContentText().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
