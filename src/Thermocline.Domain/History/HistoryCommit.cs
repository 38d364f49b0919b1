namespace Thermocline.Domain.History;

/// <summary>
/// One commit as the history replay sees it: who, when, its message, and which task list it and its parents hold
/// (by an opaque id, e.g. the blob id; equal ids mean equal content). Plain data, so the replay needs no git.
/// </summary>
/// <param name="Sha">The commit.</param>
/// <param name="Author">Its author, as <c>Name &lt;email&gt;</c>.</param>
/// <param name="Committed">When it was committed.</param>
/// <param name="Message">Its whole message.</param>
/// <param name="TaskListId">The task list it holds; null when it holds none.</param>
/// <param name="ParentTaskListIds">The task list of each parent, first parent first (null where a parent holds none).</param>
public sealed record HistoryCommit(
    string Sha,
    string Author,
    DateTimeOffset Committed,
    string Message,
    string? TaskListId,
    IReadOnlyList<string?> ParentTaskListIds)
{
    /// <summary>The files it changes against its first parent; only needed where <see cref="HistoryReplay.NeedsChangedPaths"/> says so, null when not known.</summary>
    public IReadOnlyList<string>? ChangedPaths { get; init; }
}
