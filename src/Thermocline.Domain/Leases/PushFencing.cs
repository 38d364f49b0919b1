using System.Globalization;

namespace Thermocline.Domain.Leases;

/// <summary>
/// The rule behind <c>thermo verify-push</c>: a commit that names a lease (its <see cref="LeaseTrailers"/>) may be pushed
/// only while that lease is still the PR's, or when it was made before the lease ended. It exists for the zombie agent:
/// its lease lapsed, another agent claimed the PR, and it finishes and pushes work that is no longer its own. Commits
/// that name no lease (people's) are not judged here. Everything unknown fails closed.
/// </summary>
public static class PushFencing
{
    /// <summary>
    /// How far a commit's time may pass the lease's end and still count as made under it: git keeps whole seconds, and
    /// the agent's clock and the hub's differ a little.
    /// </summary>
    public static readonly TimeSpan ClockAllowance = TimeSpan.FromSeconds(1);

    /// <summary>Judges a commit naming <paramref name="lease"/>, made (committer time) at <paramref name="committedAt"/>.</summary>
    public static FencingVerdict Judge(PrLease lease, DateTimeOffset committedAt, LeaseStanding standing)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(standing);
        return standing.Kind switch
        {
            LeaseStandingKind.Current => new(true, $"the lease is current{By(standing.Agent)}"),
            LeaseStandingKind.Superseded => new(false, Superseded(lease, standing)),
            LeaseStandingKind.NeverIssued => new(false, $"no lease of {lease.PrId} ever had fence {lease.Fence}; the trailers name a lease the hub never handed out"),
            LeaseStandingKind.Ended => Ended(lease, committedAt, standing),
            _ => new(false, $"the hub could not show the lease current: {standing.Message} (standing '{standing.Standing}')"),
        };
    }

    private static FencingVerdict Ended(PrLease lease, DateTimeOffset committedAt, LeaseStanding standing)
    {
        if (standing.EndedAt is not { } ended)
        {
            // Without an end there is nothing to compare the commit with; passing would let any zombie through.
            return new(false,
                $"the lease{How(standing)}, but the hub has no record of when, so this commit cannot be shown to predate it; " +
                $"claim {lease.PrId} again, export THERMO_LEASE={lease.PrId}:NEWFENCE and re-commit (git commit --amend --no-edit) under the new lease");
        }

        return committedAt <= ended + ClockAllowance
            ? new(true, $"made at {Time(committedAt)}, before the lease{How(standing)} at {Time(ended)}")
            : new(false, $"committed at {Time(committedAt)}, after the lease{How(standing)} at {Time(ended)}{By(standing.Agent)}");
    }

    private static string Superseded(PrLease lease, LeaseStanding standing)
    {
        var newer = standing.SupersededBy is { } fence
            ? string.Create(CultureInfo.InvariantCulture, $"fence {fence}") + (standing.SupersededByAgent is { Length: > 0 } agent ? $" ({agent})" : "")
            : "a newer fence";
        return $"superseded by {newer}: {lease.PrId} was claimed again after this lease ended, so this work is no longer the lease holder's to push";
    }

    private static string How(LeaseStanding standing) => standing.Ending switch
    {
        "expired" => " expired",
        "released" => " was released",
        "milestone" => standing.Commit is { Length: >= 10 } sha ? $" ended with the milestone {sha[..10]}" : " ended with a milestone",
        "cleared" => " was cleared by the hub",
        null => " ended",
        { } other => $" ended ({other})",
    };

    private static string By(string? agent) => agent is { Length: > 0 } ? $" (held by {agent})" : "";

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
