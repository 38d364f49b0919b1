namespace Thermocline.ColdStore;

/// <summary>What a commit did to the working-tree copy of the task list.</summary>
public enum WorkingTreeUpdate
{
    /// <summary>Nothing to do: it already had the new content, or the repository is bare.</summary>
    Unchanged,
    /// <summary>It matched the old HEAD and was replaced by the new content (temp file + rename).</summary>
    Replaced,
    /// <summary>It had a person's uncommitted edits: the same surgical edit was applied to it, the edits kept.</summary>
    Merged,
    /// <summary>It was missing, unparseable, or edited at the very line we change: left as it was (a warning is logged).</summary>
    LeftAlone,
}
