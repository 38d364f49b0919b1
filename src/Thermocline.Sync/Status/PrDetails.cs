using Thermocline.Domain.TaskLists;

namespace Thermocline.Sync.Status;

/// <summary>One PR for a person to read: its status, and what its block and the markdown under it say.</summary>
/// <param name="Status">Its cold and hot state now.</param>
/// <param name="Markdown">The free markdown under its block (description, acceptance criteria, notes), as written.</param>
/// <param name="Complexity">Its <c>complexity</c> field, when it has one.</param>
/// <param name="EstimatedFiles">Its <c>estimated_files</c>.</param>
/// <param name="DiscoveredFrom">The PR it was discovered from, when it says.</param>
public sealed record PrDetails(PrStatus Status, string Markdown, Complexity? Complexity, IReadOnlyList<EstimatedFile> EstimatedFiles, string? DiscoveredFrom);
