namespace Thermocline.HotStore.Leadership;

/// <summary>
/// Who holds the hub group's leader lease (<c>hubs:{leader}:lease</c>): its fencing number (the group's counter,
/// <c>hubs:{leader}:fence</c>, incremented at every takeover, so it only grows), the hub's id and the URL it
/// advertises to clients.
/// </summary>
/// <param name="Fence">The leader's fencing number: higher than every leader's before it.</param>
/// <param name="HubId">The id the hub chose at its start (a new one per process).</param>
/// <param name="Address">The URL the hub advertises (<c>--advertise</c>): where standbys send clients.</param>
public sealed record HubLeader(long Fence, string HubId, string Address)
{
    /// <summary>The lease's value: <c>FENCE HUBID ADDRESS</c> (no spaces in either of the last two).</summary>
    internal string Encode() => $"{Fence} {HubId} {Address}";

    /// <summary>The lease's value read back; null for anything not written by <see cref="Encode"/>.</summary>
    internal static HubLeader? Decode(string? value)
    {
        var parts = value?.Split(' ', 3);
        return parts is [var fence, var id, var address] && long.TryParse(fence, System.Globalization.CultureInfo.InvariantCulture, out var f)
            ? new HubLeader(f, id, address)
            : null;
    }
}
