namespace Thermocline.Domain.History;

/// <summary>What an <see cref="AuditFinding"/> is about.</summary>
public enum AuditFindingKind
{
    /// <summary>A milestone's lease fence is not above the PR's previous one.</summary>
    FenceRegression,

    /// <summary>A milestone's transition is not in SPEC.md's table, or not reachable from the cold state before it.</summary>
    DisallowedTransition,

    /// <summary>A hub commit's message does not describe the cold-state changes its task list shows.</summary>
    MessageMismatch,

    /// <summary>A cold → hot or hot → hot transition was committed (hot state lives in Redis only).</summary>
    HotTransitionCommitted,

    /// <summary>A heartbeat was committed.</summary>
    HeartbeatCommitted,

    /// <summary>A hub commit changes files other than the task list, or nothing.</summary>
    HubCommitTouchesOtherFiles,

    /// <summary>A display sync changed the task list outside the display section.</summary>
    DisplaySyncOutsideDisplay,

    /// <summary>A cold state changed by a commit that is not the hub's (a person's edit, or a merge result unlike every parent).</summary>
    BypassedHub,

    /// <summary>The task list of a commit does not parse; its unreadable PRs are skipped there.</summary>
    BrokenTaskList,
}
