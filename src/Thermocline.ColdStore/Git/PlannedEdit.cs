using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>Re-applies an edit to another copy of the task list (working tree, staged): the result, or why not.</summary>
internal delegate (TaskList? List, string? WhyNot) Reapply(TaskList other);

/// <summary>A commit planned on HEAD's task list: the new list, the message, and how to re-apply the edit elsewhere.</summary>
/// <param name="NewList">HEAD's task list with the edit applied.</param>
/// <param name="Message">The commit message.</param>
/// <param name="Reapply">The same edit, for the working-tree and staged copies.</param>
/// <param name="IsColdChange">True for a cold-state change (starts the display quiet period).</param>
internal sealed record PlannedEdit(TaskList NewList, string Message, Reapply Reapply, bool IsColdChange);
