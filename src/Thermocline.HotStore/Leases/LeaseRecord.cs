using System.Globalization;

namespace Thermocline.HotStore.Leases;

/// <summary>How the PR's latest lease stands, as its record in Redis says (<c>pr:{ID}:last_lease</c>).</summary>
public enum LeaseEnding
{
    /// <summary>Held: it lapses at <see cref="LeaseRecord.EndsAt"/> unless a heartbeat moves that on (past it, it expired).</summary>
    Live,

    /// <summary>Its holder released it.</summary>
    Released,

    /// <summary>It ended with its hot → cold milestone commit.</summary>
    Milestone,

    /// <summary>The hub cleared it (git won a conflict, or a person ended it).</summary>
    Cleared,
}

/// <summary>
/// The PR's latest lease as the scripts record it whenever one starts, is renewed or ends (no TTL, so it outlives the
/// lease): its fence, when it ends or ended, how, and its holder.
/// </summary>
/// <param name="Fence">The lease's fencing number.</param>
/// <param name="EndsAt">While <see cref="LeaseEnding.Live"/>: when it lapses without another heartbeat; else when it ended.</param>
/// <param name="How">How it stands.</param>
/// <param name="Agent">Its holder.</param>
public sealed record LeaseRecord(long Fence, DateTimeOffset EndsAt, LeaseEnding How, string Agent)
{
    /// <summary>The record in <paramref name="stored"/> (<c>FENCE:ENDS_MS:HOW:AGENT</c>), or null when it is not one.</summary>
    internal static LeaseRecord? Parse(string? stored)
    {
        var parts = stored?.Split(':', 4);
        if (parts is not { Length: 4 }
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var fence)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return null;
        }

        LeaseEnding? how = parts[2] switch
        {
            "live" => LeaseEnding.Live,
            "released" => LeaseEnding.Released,
            "milestone" => LeaseEnding.Milestone,
            "cleared" => LeaseEnding.Cleared,
            _ => null,
        };
        return how is { } h ? new LeaseRecord(fence, DateTimeOffset.FromUnixTimeMilliseconds(ms), h, parts[3]) : null;
    }
}
