namespace Thermocline.Sync.Events;

/// <summary>What happened, for logs, metrics and the API.</summary>
public enum SyncEventKind
{
    /// <summary>The hub started; recovery ran if the last run crashed.</summary>
    Started,
    /// <summary>Redis was rebuilt from git.</summary>
    Hydrated,
    /// <summary>A PR was claimed into a hot state.</summary>
    Claimed,
    /// <summary>A hot → hot transition.</summary>
    HotTransition,
    /// <summary>A hot state was released; the PR is back at its cold state.</summary>
    Released,
    /// <summary>A milestone was committed to git.</summary>
    ColdCommit,

    /// <summary>An agent added a PR to the task list (one commit); the dependency engine takes it on.</summary>
    Added,

    /// <summary>An agent edited a PR's fields (title, priority, dependencies, description; one commit, never its cold state).</summary>
    Edited,
    /// <summary>The dependency engine moved a PR (one event per PR; the changes of one cause share a commit).</summary>
    DependencyCommit,
    /// <summary>The display section was committed.</summary>
    DisplaySync,
    /// <summary>Redis and git disagreed.</summary>
    Conflict,
    /// <summary>A lease expired (no heartbeat) and its hot state was swept: the PR is back at its cold state.</summary>
    Swept,
    /// <summary>The task list at HEAD stopped parsing; cold commits are refused until it does.</summary>
    TaskListBroken,
    /// <summary>The task list at HEAD parses again.</summary>
    TaskListRepaired,
    /// <summary>Something failed.</summary>
    Error,
    /// <summary>The hub stopped cleanly.</summary>
    Stopped,
    /// <summary>The hub's branch moved in git by someone else's hand (a commit, pull, merge, reset).</summary>
    GitChanged,
    /// <summary>Redis lost its data while the hub ran and was rebuilt from git.</summary>
    Recovered,
    /// <summary>A hub of a group took the lead (it serves writes now) or stepped down to standing by.</summary>
    Leadership,
}
