namespace Thermocline.Sync.Reconciliation;

/// <summary>One disagreement between Redis and git, and what resolving it does.</summary>
/// <param name="Kind">Which conflict.</param>
/// <param name="PrId">The PR.</param>
/// <param name="Redis">What Redis holds (state names), or null.</param>
/// <param name="Git">What git holds, or null.</param>
/// <param name="Resolution">What resolving it does (git wins).</param>
public sealed record Conflict(ConflictKind Kind, string PrId, string? Redis, string? Git, string Resolution);
