namespace Thermocline.ColdStore;

/// <summary>
/// What a commit did to the index entry of the task list. The rule: the entry is moved to the new blob only
/// when it held the old HEAD blob (nothing of the file was staged), so <c>git status</c> stays clean; when a
/// person had staged a change to the file, the same surgical edit is applied to the staged blob, so their
/// change stays staged and committing it later does not undo the milestone; anything else is left alone.
/// </summary>
public enum IndexUpdate
{
    /// <summary>Nothing to do: the entry already had the new blob, there is no index, or the repository is bare.</summary>
    Unchanged,
    /// <summary>The entry held the old HEAD blob and now holds the new one.</summary>
    Updated,
    /// <summary>A person's staged version got the same surgical edit and stays staged.</summary>
    MergedStaged,
    /// <summary>No entry (staged deletion), a conflict, or an unparseable staged version: left as it was.</summary>
    LeftAlone,
}
