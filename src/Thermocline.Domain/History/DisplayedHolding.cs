using Thermocline.Domain.States;

namespace Thermocline.Domain.History;

/// <summary>
/// A PR held hot, as display-sync commits showed it: from the first display that listed it (with this agent and claim
/// time) to the first that no longer did. The display shows no lease: a holding is one agent's claim time.
/// </summary>
/// <param name="PrId">The PR.</param>
/// <param name="Agent">Who held it, as displayed (untrusted text).</param>
/// <param name="State">The hot state first displayed.</param>
/// <param name="Since">The claim time displayed.</param>
/// <param name="FirstShown">The commit whose display first showed it.</param>
/// <param name="EndedAt">The commit whose display no longer showed it; null while the last display still does.</param>
/// <param name="EndedWithMilestone">True when a milestone of the PR leaving a hot state came while it was shown.</param>
public sealed record DisplayedHolding(string PrId, string Agent, HotState State, DateTimeOffset Since, string FirstShown, string? EndedAt, bool EndedWithMilestone);
