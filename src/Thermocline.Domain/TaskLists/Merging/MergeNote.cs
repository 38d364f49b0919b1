namespace Thermocline.Domain.TaskLists.Merging;

/// <summary>Something a merge decided or could not decide, for the person reading git's output.</summary>
/// <param name="PrId">The PR it is about; null for text outside PR blocks.</param>
/// <param name="Message">One sentence.</param>
/// <param name="IsConflict">True when it was left as a conflict (with markers in the file).</param>
public sealed record MergeNote(string? PrId, string Message, bool IsConflict);
