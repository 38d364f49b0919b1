namespace Thermocline.Domain.TaskLists.Merging;

/// <summary>The outcome of a <see cref="TaskListMerge"/>.</summary>
/// <param name="Content">The merged file's bytes: with conflict markers where <see cref="HasConflicts"/>.</param>
/// <param name="Notes">What was decided and what was left as a conflict, in file order.</param>
public sealed record TaskListMergeResult(byte[] Content, IReadOnlyList<MergeNote> Notes)
{
    /// <summary>True when anything was left for a person to resolve.</summary>
    public bool HasConflicts => Notes.Any(n => n.IsConflict);
}
