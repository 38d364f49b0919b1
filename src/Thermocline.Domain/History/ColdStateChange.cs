using Thermocline.Domain.Commits;
using Thermocline.Domain.States;

namespace Thermocline.Domain.History;

/// <summary>One PR's cold state changing at one commit, as the task lists before and after show it.</summary>
/// <param name="Sha">The commit.</param>
/// <param name="PrId">The PR.</param>
/// <param name="From">Its cold state before; null when the PR appears here.</param>
/// <param name="To">Its cold state after; null when the PR is removed here.</param>
/// <param name="At">The milestone's timestamp for a hub change, else the commit's time.</param>
/// <param name="Milestone">The milestone that records it; null for a change the hub did not make.</param>
public sealed record ColdStateChange(string Sha, string PrId, ColdState? From, ColdState? To, DateTimeOffset At, Milestone? Milestone);
