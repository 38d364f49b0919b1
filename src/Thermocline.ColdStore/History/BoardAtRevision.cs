using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.History;

/// <summary>The board as one commit holds it: its task list, and the hot work its display section showed then.</summary>
/// <param name="Sha">The commit.</param>
/// <param name="Title">Its first line.</param>
/// <param name="Committed">When it was committed.</param>
/// <param name="List">Its task list, without errors.</param>
/// <param name="Displayed">The rows of its hot-state display section (none when it has none); shown, never state.</param>
public sealed record BoardAtRevision(string Sha, string Title, DateTimeOffset Committed, TaskList List, IReadOnlyList<HotWorkItem> Displayed);
