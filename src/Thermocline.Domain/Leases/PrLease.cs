using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Thermocline.Domain.Leases;

/// <summary>
/// A lease named with its PR and fence, as commits carry it (the <see cref="LeaseTrailers"/>) and as an agent exports it
/// in <c>THERMO_LEASE</c> for the commit hook: <c>PR-005:17</c>, or <c>PR-005:17:ID</c> with the lease id the claim
/// printed. The id is the holder's secret: it is kept in <see cref="Lease"/> for the lease commands and never shown
/// (<see cref="ToString"/> is <c>PR-005:17</c>), so it never reaches a commit.
/// </summary>
public sealed record PrLease
{
    /// <summary>What <see cref="TryParse"/> accepts, for error messages.</summary>
    public const string AcceptedForms =
        "PR-005:17 (the PR and its lease's fence), PR-005:17:ID (with the lease id the claim printed), " +
        "or FENCE:ID with THERMO_PR set to the PR (what 'thermo claim --keep-alive' sets)";

    /// <summary>A lease of <paramref name="prId"/> with fence <paramref name="fence"/>, and its full lease when known.</summary>
    /// <exception cref="ArgumentException">The id is not a valid PR id, the fence is below 1, or the lease's fence differs.</exception>
    public PrLease(string prId, long fence, Lease? lease = null)
    {
        if (!Identity.PrId.IsValid(prId))
        {
            throw new ArgumentException($"'{prId}' is not a valid PR id.", nameof(prId));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fence, 1);
        if (lease is not null && lease.Fence != fence)
        {
            throw new ArgumentException("the lease's fence differs from the fence given.", nameof(lease));
        }

        PrId = prId;
        Fence = fence;
        Lease = lease;
    }

    /// <summary>The PR, e.g. <c>PR-005</c>.</summary>
    public string PrId { get; }

    /// <summary>The lease's fencing number, at least 1.</summary>
    public long Fence { get; }

    /// <summary>The whole lease (<c>FENCE:ID</c>) when the id was given; the holder's secret, never written anywhere.</summary>
    public Lease? Lease { get; }

    /// <summary>
    /// Parses a <c>THERMO_LEASE</c> value: <c>PR-005:17</c> or <c>PR-005:17:ID</c>, or — when it names no PR — the plain
    /// lease <c>FENCE:ID</c> with <paramref name="pr"/> (<c>THERMO_PR</c>) naming the PR, because that is what
    /// <c>thermo claim --keep-alive</c> hands its command. <paramref name="problem"/> says what is wrong without repeating
    /// the value (it may hold the secret id).
    /// </summary>
    public static bool TryParse(string? value, string? pr, [NotNullWhen(true)] out PrLease? lease, [NotNullWhen(false)] out string? problem)
    {
        lease = null;
        if (string.IsNullOrEmpty(value))
        {
            problem = "it is empty";
            return false;
        }

        if (!value.StartsWith("PR-", StringComparison.Ordinal))
        {
            if (!Leases.Lease.TryParse(value, out var plain))
            {
                problem = "it names no PR and is not a lease FENCE:ID either";
                return false;
            }

            if (!Identity.PrId.IsValid(pr))
            {
                problem = string.IsNullOrEmpty(pr)
                    ? "it is a lease FENCE:ID without its PR, and THERMO_PR is not set"
                    : "it is a lease FENCE:ID, and THERMO_PR is not a valid PR id";
                return false;
            }

            lease = new PrLease(pr, plain.Fence, plain);
            problem = null;
            return true;
        }

        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3)
        {
            problem = "it does not have the form PR:FENCE or PR:FENCE:ID";
            return false;
        }

        if (!Identity.PrId.IsValid(parts[0]))
        {
            problem = $"'{parts[0]}' is not a valid PR id ({Identity.PrId.FormatDescription})";
            return false;
        }

        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var fence) || fence < 1)
        {
            problem = $"the fence '{Shown(parts[1])}' is not a whole number of at least 1";
            return false;
        }

        Lease? full = null;
        if (parts.Length == 3 && !Leases.Lease.TryParse($"{parts[1]}:{parts[2]}", out full))
        {
            problem = "the lease id after the fence is not 1-40 lower-case hex digits";
            return false;
        }

        lease = new PrLease(parts[0], fence, full);
        problem = null;
        return true;
    }

    /// <summary><c>PR-005:17</c>: the PR and fence only, never the lease id.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PrId}:{Fence}");

    // A fence as typed, shortened: it is not the secret, but may be anything.
    private static string Shown(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
