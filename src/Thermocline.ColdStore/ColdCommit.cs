namespace Thermocline.ColdStore;

/// <summary>What a cold commit did.</summary>
/// <param name="Sha">The new commit, or HEAD when nothing needed committing.</param>
/// <param name="Committed">False when the change was already in git (a no-op): nothing was written.</param>
/// <param name="Timestamp">The commit's timestamp (whole seconds, UTC).</param>
/// <param name="HeadMovedRetries">How many times HEAD moved underneath and the change was re-applied.</param>
/// <param name="WorkingTree">What happened to the working-tree copy of the task list.</param>
/// <param name="Index">What happened to the index entry of the task list.</param>
public sealed record ColdCommit(
    string Sha,
    bool Committed,
    DateTimeOffset Timestamp,
    int HeadMovedRetries,
    WorkingTreeUpdate WorkingTree,
    IndexUpdate Index)
{
    /// <summary>The remote branch the commit was pushed to before it was acknowledged (<c>origin/main</c>); null without a remote.</summary>
    public string? PushedTo { get; init; }
}
