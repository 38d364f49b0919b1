namespace Thermocline.Domain.Leases;

/// <summary>
/// The hub's answer to "is fence F of PR P still current, or when did it end": what <see cref="PushFencing"/> judges a
/// commit against.
/// </summary>
/// <param name="Kind">Where the lease stands.</param>
/// <param name="Standing">The standing as the hub named it (<c>current</c>, <c>ended</c>, …), kept for an unknown one.</param>
/// <param name="Agent">The agent that held the lease, when known.</param>
/// <param name="EndedAt">When it ended (<see cref="LeaseStandingKind.Ended"/>); null when nothing recorded it.</param>
/// <param name="Ending">How it ended: <c>expired</c>, <c>released</c>, <c>milestone</c>, <c>cleared</c>; null when unrecorded.</param>
/// <param name="SupersededBy">The newer fence (<see cref="LeaseStandingKind.Superseded"/>).</param>
/// <param name="SupersededByAgent">Who the newer fence went to, when known.</param>
/// <param name="Commit">The milestone commit the lease ended with, when it did.</param>
/// <param name="Message">The hub's one sentence for a person.</param>
public sealed record LeaseStanding(
    LeaseStandingKind Kind,
    string Standing,
    string? Agent,
    DateTimeOffset? EndedAt,
    string? Ending,
    long? SupersededBy,
    string? SupersededByAgent,
    string? Commit,
    string Message)
{
    /// <summary>While <see cref="LeaseStandingKind.Current"/>: when the lease lapses unless a heartbeat renews it.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>The wire name of <paramref name="kind"/> (<c>current</c>, <c>ended</c>, <c>superseded</c>, <c>never-issued</c>).</summary>
    public static string NameOf(LeaseStandingKind kind) => kind switch
    {
        LeaseStandingKind.Current => "current",
        LeaseStandingKind.Ended => "ended",
        LeaseStandingKind.Superseded => "superseded",
        LeaseStandingKind.NeverIssued => "never-issued",
        _ => "unknown",
    };

    /// <summary>The kind the hub's wire name stands for; <see cref="LeaseStandingKind.Unknown"/> for any other.</summary>
    public static LeaseStandingKind KindOf(string? standing) => standing switch
    {
        "current" => LeaseStandingKind.Current,
        "ended" => LeaseStandingKind.Ended,
        "superseded" => LeaseStandingKind.Superseded,
        "never-issued" => LeaseStandingKind.NeverIssued,
        _ => LeaseStandingKind.Unknown,
    };
}
