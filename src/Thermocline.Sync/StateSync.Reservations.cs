using System.Runtime.CompilerServices;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Paths;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore.Snapshots;
using Thermocline.Sync.Status;

namespace Thermocline.Sync;

/// <summary>
/// What a claim reserves under its lease: the PR's <c>estimated_files</c>, <paramref name="Paths"/> (globs), or both. For
/// an explicit claim, a PR without usable estimated files and no paths is a usage error; a claim of the next PR
/// (<see cref="WhenAny"/>) then reserves nothing.
/// </summary>
/// <param name="EstimatedFiles">Reserve the PR's <c>estimated_files</c>.</param>
/// <param name="Paths">Reserve these globs too.</param>
/// <param name="WhenAny">Reserve only what there is; nothing to reserve is not an error.</param>
public sealed record ClaimReservation(bool EstimatedFiles, IReadOnlyList<string>? Paths = null, bool WhenAny = false);

public sealed partial class StateSync
{
    // Reserving claims one at a time (in this hub), so that two racing for overlapping paths cannot both see them free.
    // A claim that reserves nothing needs no turn: it only checks its files against reservations already made, which is
    // the order it would have had before a reservation that overlaps them.
    private readonly SemaphoreSlim _reservationGate = new(1, 1);

    // A PR's estimated files as globs, once per parsed entry: ready and status judge every PR against the reservations.
    private static readonly ConditionalWeakTable<PrEntry, StrongBox<PathReservation?>> FilesOfEntry = new();

    /// <summary>Every live path reservation (<c>GET /api/reservations</c>, <c>thermo check-paths</c>), by PR id.</summary>
    public async Task<IReadOnlyList<LiveReservation>> ListReservationsAsync(CancellationToken cancellationToken) =>
        (await _hot.ListReservationsAsync(cancellationToken)).Select(ToReservation).ToList();

    private static PathReservation? EstimatedPaths(PrEntry pr) =>
        FilesOfEntry.GetValue(pr, static p => new StrongBox<PathReservation?>(PathReservation.OfEstimatedFiles(p.EstimatedFiles))).Value;

    /// <summary>The first live reservation of another PR that <paramref name="pr"/>'s estimated files overlap, or null.</summary>
    private static PathWait? WaitsFor(PrEntry pr, IReadOnlyList<LiveReservation> live)
    {
        if (live.Count == 0 || EstimatedPaths(pr) is not { } files)
        {
            return null;
        }

        foreach (var holder in live)
        {
            if (holder.PrId != pr.Id && holder.Paths.OverlapWith(files) is { Count: > 0 } overlap)
            {
                return new PathWait(holder, overlap);
            }
        }

        return null;
    }

    private static List<LiveReservation> LiveReservations(IEnumerable<PrHotSnapshot?> snapshots) =>
        snapshots.Where(s => s is { IsHot: true, ReservedPaths: not null }).Select(s => ToReservation(s!)).ToList();

    private static LiveReservation ToReservation(PrHotSnapshot s) => new(s.PrId, s.Agent ?? "", s.Fence ?? 0, s.ReservedPaths!, s.ExpiresIn);

    /// <summary>What <paramref name="request"/> reserves for <paramref name="pr"/>, checked; null when nothing (only <see cref="ClaimReservation.WhenAny"/>).</summary>
    private static PathReservation? Resolve(PrEntry pr, ClaimReservation request)
    {
        var files = request.EstimatedFiles ? EstimatedPaths(pr) : null;
        var named = request.Paths is { Count: > 0 } paths ? PathReservation.Create(paths) : null;
        if (files is null && named is null && !request.WhenAny)
        {
            throw ThermoclineException.Usage(request.EstimatedFiles
                ? $"{pr.Id} lists no estimated_files to reserve; name the paths with --paths GLOB (e.g. --paths 'src/parser/**')."
                : "a reservation needs at least one path.");
        }

        return PathReservation.Union(files, named);
    }

    /// <summary>
    /// Before a claim of <paramref name="pr"/>: refused while its files overlap another PR's live reservation, or while
    /// <paramref name="reserving"/> does.
    /// </summary>
    private async Task CheckPathsFreeAsync(PrEntry pr, PathReservation? reserving, CancellationToken cancellationToken)
    {
        if (reserving is null && EstimatedPaths(pr) is null)
        {
            return; // nothing of this claim can overlap: no round trip
        }

        var live = await ListReservationsAsync(cancellationToken);
        if (WaitsFor(pr, live) is { } wait)
        {
            throw ThermoclineException.LeaseConflict(
                $"{pr.Id}'s files overlap paths reserved by {wait.Holder.PrId} ({wait.Holder.Agent}, fence {wait.Holder.Fence}): {string.Join(", ", wait.Overlap)}. It is offered again when that lease ends; 'thermo ready' lists what is free.");
        }

        if (reserving is not null)
        {
            foreach (var holder in live.Where(h => h.PrId != pr.Id))
            {
                if (reserving.OverlapWith(holder.Paths) is { Count: > 0 } overlap)
                {
                    throw ThermoclineException.LeaseConflict(
                        $"{pr.Id} cannot reserve {string.Join(", ", overlap)}: {holder.PrId} ({holder.Agent}, fence {holder.Fence}) holds a reservation that overlaps it ({string.Join(", ", holder.Paths.Texts)}). Claim without reserving those paths, or wait for that lease to end.");
                }
            }
        }
    }
}
