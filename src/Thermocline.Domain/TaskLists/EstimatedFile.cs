namespace Thermocline.Domain.TaskLists;

/// <summary>One entry of a PR's <c>estimated_files</c> list.</summary>
/// <param name="Path">The file path.</param>
/// <param name="Action">create, modify or delete (others are kept, with a warning).</param>
/// <param name="Description">Free text.</param>
public sealed record EstimatedFile(string? Path, string? Action, string? Description);
