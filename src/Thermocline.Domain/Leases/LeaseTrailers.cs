using System.Globalization;
using Thermocline.Domain.Identity;

namespace Thermocline.Domain.Leases;

/// <summary>
/// The git trailers an agent's commit carries to name the lease it was made under: <c>Thermocline-PR: PR-005</c> and
/// <c>Thermocline-Lease: 17</c> (the fence, never the lease id). <c>thermo verify-push</c> reads them back and asks the hub
/// whether that lease was still the PR's when the commit was made.
/// </summary>
public static class LeaseTrailers
{
    /// <summary>The trailer naming the PR.</summary>
    public const string PrKey = "Thermocline-PR";

    /// <summary>The trailer naming the lease's fence.</summary>
    public const string LeaseKey = "Thermocline-Lease";

    /// <summary>The two trailers for <paramref name="lease"/>, as <c>Key: value</c>, PR first.</summary>
    public static IReadOnlyList<string> For(PrLease lease) =>
        [$"{PrKey}: {lease.PrId}", string.Create(CultureInfo.InvariantCulture, $"{LeaseKey}: {lease.Fence}")];

    /// <summary>
    /// The lease a commit names, from the values of its trailers as git parsed them: null with no
    /// <paramref name="problem"/> when it carries neither (a person's commit); null with a problem when they are
    /// malformed — one without the other, more than one of either, a bad PR id, a fence that is not a number of at least 1.
    /// </summary>
    public static PrLease? Read(IReadOnlyList<string> prValues, IReadOnlyList<string> leaseValues, out string? problem)
    {
        problem = (prValues.Count, leaseValues.Count) switch
        {
            (0, 0) => null,
            (0, _) => $"it has a {LeaseKey} trailer but no {PrKey} trailer",
            (_, 0) => $"it has a {PrKey} trailer but no {LeaseKey} trailer",
            ( > 1, _) => $"it has {prValues.Count} {PrKey} trailers; one is expected",
            (_, > 1) => $"it has {leaseValues.Count} {LeaseKey} trailers; one is expected",
            _ => "",
        };
        if (problem is not "")
        {
            return null;
        }

        var (pr, fenceText) = (prValues[0].Trim(), leaseValues[0].Trim());
        if (!PrId.IsValid(pr))
        {
            problem = $"its {PrKey} trailer '{Shown(pr)}' is not a valid PR id";
            return null;
        }

        if (!long.TryParse(fenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var fence) || fence < 1)
        {
            problem = $"its {LeaseKey} trailer '{Shown(fenceText)}' is not a fence (a whole number of at least 1)";
            return null;
        }

        problem = null;
        return new PrLease(pr, fence);
    }

    private static string Shown(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
