namespace Thermocline.Domain.Commits;

/// <summary>
/// The cold-state changes one event causes through dependencies (a start-up, one PR's milestone), committed
/// together in one commit that lists them all.
/// </summary>
/// <param name="Changes">The changes; each PR at most once.</param>
/// <param name="Agent">Who makes them, usually the hub (a valid agent name).</param>
/// <param name="Cause">What caused them, e.g. <c>PR-005 → completed</c> or <c>start-up</c>; made one line and capped.</param>
public sealed record DependencyUpdate(IReadOnlyList<ColdChange> Changes, string Agent, string Cause);
