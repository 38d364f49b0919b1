using Thermocline.Domain.Paths;

namespace Thermocline.Sync.Status;

/// <summary>Paths reserved under a live lease (<c>GET /api/reservations</c>).</summary>
/// <param name="PrId">The PR whose lease reserves them.</param>
/// <param name="Agent">The lease's holder.</param>
/// <param name="Fence">The lease's fence.</param>
/// <param name="Paths">What it reserves.</param>
/// <param name="ExpiresIn">How long the lease lives without another heartbeat.</param>
public sealed record LiveReservation(string PrId, string Agent, long Fence, PathReservation Paths, TimeSpan? ExpiresIn);

/// <summary>Why a PR is not offered: its files overlap <see cref="Holder"/>'s reservation, in <see cref="Overlap"/> (the holder's globs).</summary>
/// <param name="Holder">The live reservation in the way.</param>
/// <param name="Overlap">The holder's globs that share paths with the PR's files.</param>
public sealed record PathWait(LiveReservation Holder, IReadOnlyList<string> Overlap);
