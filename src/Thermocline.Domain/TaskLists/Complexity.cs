namespace Thermocline.Domain.TaskLists;

/// <summary>The <c>complexity</c> field of a PR block.</summary>
/// <param name="Score">1–10, when given and numeric.</param>
/// <param name="EstimatedMinutes">Minutes, when given and numeric.</param>
/// <param name="SuggestedModel">Free text.</param>
/// <param name="Rationale">Free text.</param>
public sealed record Complexity(int? Score, int? EstimatedMinutes, string? SuggestedModel, string? Rationale);
