using Thermocline.HotStore.Leases;

namespace Thermocline.Sync.Status;

/// <summary>How one lease of a PR stands: the answer to "is fence F of PR P still current, or when did it end".</summary>
public enum LeaseStandingKind
{
    /// <summary>Held now.</summary>
    Current,

    /// <summary>No longer held, and no newer fence was handed out for the PR.</summary>
    Ended,

    /// <summary>A newer fence was handed out for the PR: someone else's lease (or a later one of the same agent) took over.</summary>
    Superseded,

    /// <summary>No lease of the PR ever had this fence (it is above every fence ever handed out).</summary>
    NeverIssued,
}

/// <summary>
/// One lease's standing, from Redis (the current lease and the PR's lease record) and git (milestones carry their lease's
/// fence): see <see cref="StateSync.GetLeaseStandingAsync"/>.
/// </summary>
/// <param name="PrId">The PR.</param>
/// <param name="Fence">The lease's fence.</param>
/// <param name="Kind">How it stands.</param>
/// <param name="Agent">Its holder, when known.</param>
/// <param name="EndsAt">While current: when it lapses without another heartbeat.</param>
/// <param name="EndedAt">When it ended, when that is recorded (ended or superseded).</param>
/// <param name="Ending">How it ended, when recorded: expired, released, milestone or cleared.</param>
/// <param name="SupersededBy">The first newer fence known, when superseded.</param>
/// <param name="SupersededByAgent">That lease's holder, when known.</param>
/// <param name="Commit">The milestone commit it ended with, if it did.</param>
/// <param name="Message">All of it in one sentence for a person.</param>
public sealed record LeaseStanding(
    string PrId,
    long Fence,
    LeaseStandingKind Kind,
    string? Agent,
    DateTimeOffset? EndsAt,
    DateTimeOffset? EndedAt,
    string? Ending,
    long? SupersededBy,
    string? SupersededByAgent,
    string? Commit,
    string Message)
{
    /// <summary>The wire name of <see cref="Kind"/>.</summary>
    public string StandingName => Kind switch
    {
        LeaseStandingKind.Current => "current",
        LeaseStandingKind.Ended => "ended",
        LeaseStandingKind.Superseded => "superseded",
        _ => "never-issued",
    };

    /// <summary>The wire name of how a recorded lease ended.</summary>
    internal static string EndingName(LeaseEnding how) => how switch
    {
        LeaseEnding.Live => "expired",
        LeaseEnding.Released => "released",
        LeaseEnding.Milestone => "milestone",
        _ => "cleared",
    };
}
