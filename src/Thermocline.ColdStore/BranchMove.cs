namespace Thermocline.ColdStore;

/// <summary>The hub's branch moved by someone else's hand (see <see cref="GitColdStore.BranchMovedAsync"/>).</summary>
/// <param name="Previous">Where the store last saw it (null before the first look).</param>
/// <param name="Current">Where it is now (null when the branch is gone).</param>
public sealed record BranchMove(string? Previous, string? Current);
