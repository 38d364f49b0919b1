using Thermocline.Domain.Paths;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Paths;

/// <summary>
/// Which of a commit's paths fall under another PR's live reservation (<c>thermo check-paths</c>): the paths a person or
/// agent is about to commit against what the hub says is reserved. The committer's own PR (from its lease) is never in its
/// own way.
/// </summary>
internal static class ReservedPathCheck
{
    /// <summary>The most paths one check looks at; a commit of more is checked on these and says so.</summary>
    public const int MaxPaths = 100_000;

    /// <summary>One path under another lease's reservation.</summary>
    /// <param name="Path">The path, repository-relative.</param>
    /// <param name="Holder">The reservation it falls under.</param>
    public sealed record Clash(string Path, ReservationView Holder);

    /// <summary>Each of <paramref name="paths"/> that another PR than <paramref name="ownPr"/> reserved, with the first such reservation.</summary>
    public static IReadOnlyList<Clash> Find(IEnumerable<string> paths, IReadOnlyList<ReservationView> reservations, string? ownPr)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(reservations);
        var others = reservations
            .Where(r => r.PrId != ownPr)
            .Select(r => (View: r, Globs: PathReservation.Parse(string.Join('\n', r.Paths))))
            .Where(r => r.Globs is not null)
            .ToList();
        var clashes = new List<Clash>();
        if (others.Count == 0)
        {
            return clashes;
        }

        foreach (var path in paths.Take(MaxPaths))
        {
            if (others.FirstOrDefault(r => r.Globs!.Covers(path)) is { View: { } holder })
            {
                clashes.Add(new Clash(path, holder));
            }
        }

        return clashes;
    }
}
