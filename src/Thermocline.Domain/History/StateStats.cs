using Thermocline.Domain.States;

namespace Thermocline.Domain.History;

/// <summary>How long PRs stayed in one cold state, over every stay that ended.</summary>
/// <param name="State">The cold state.</param>
/// <param name="Stays">Stays that ended.</param>
/// <param name="Median">Their median length (nearest rank).</param>
/// <param name="P90">Their 90th percentile (nearest rank).</param>
/// <param name="Total">Their sum.</param>
public sealed record StateStats(ColdState State, int Stays, TimeSpan Median, TimeSpan P90, TimeSpan Total);
