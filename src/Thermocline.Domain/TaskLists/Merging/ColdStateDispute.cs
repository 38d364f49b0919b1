using Thermocline.Domain.States;

namespace Thermocline.Domain.TaskLists.Merging;

/// <summary>A PR whose <c>cold_state</c> both sides of a merge changed, to different states.</summary>
/// <param name="PrId">The PR.</param>
/// <param name="Ancestor">Its state in the common ancestor.</param>
/// <param name="Ours">Its state on our side.</param>
/// <param name="Theirs">Its state on their side.</param>
public sealed record ColdStateDispute(string PrId, ColdState Ancestor, ColdState Ours, ColdState Theirs);
