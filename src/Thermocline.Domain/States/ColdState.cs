namespace Thermocline.Domain.States;

/// <summary>A durable milestone, stored in the task list and committed to git.</summary>
public enum ColdState
{
    /// <summary><c>new</c>: not yet looked at.</summary>
    New,
    /// <summary><c>ready</c>: all dependencies satisfied; may be claimed.</summary>
    Ready,
    /// <summary><c>blocked</c>: waiting on a dependency.</summary>
    Blocked,
    /// <summary><c>planned</c>: investigated and planned; may be claimed for implementation.</summary>
    Planned,
    /// <summary><c>completed</c>: implemented, awaiting review.</summary>
    Completed,
    /// <summary><c>approved</c>: reviewed and accepted.</summary>
    Approved,
    /// <summary><c>broken</c>: found faulty after completion or approval.</summary>
    Broken,
}
