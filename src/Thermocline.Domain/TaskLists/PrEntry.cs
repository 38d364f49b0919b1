using Thermocline.Domain.States;

namespace Thermocline.Domain.TaskLists;

/// <summary>
/// One PR as read from its <c>### PR-xxx: Title</c> heading and YAML block. Positions are into
/// <see cref="TaskList.Text"/>; lines are 1-based lines of the file.
/// </summary>
public sealed record PrEntry
{
    /// <summary>The <c>pr_id</c> field.</summary>
    public required string Id { get; init; }

    /// <summary>The <c>title</c> field, else the heading's title.</summary>
    public required string Title { get; init; }

    /// <summary>The <c>cold_state</c> field; <see cref="ColdState.New"/> when the block has none.</summary>
    public required ColdState ColdState { get; init; }

    /// <summary>The <c>priority</c> field, when present and known.</summary>
    public Priority? Priority { get; init; }

    /// <summary>The <c>complexity</c> field, when present.</summary>
    public Complexity? Complexity { get; init; }

    /// <summary>The <c>dependencies</c> field: ids of PRs that must be completed or approved first.</summary>
    public IReadOnlyList<string> Dependencies { get; init; } = [];

    /// <summary>The <c>estimated_files</c> field.</summary>
    public IReadOnlyList<EstimatedFile> EstimatedFiles { get; init; } = [];

    /// <summary>Every top-level field name of the block, in file order (unknown ones included).</summary>
    public IReadOnlyList<string> FieldNames { get; init; } = [];

    /// <summary>Where the block is in the file.</summary>
    public required PrLocation Location { get; init; }
}
