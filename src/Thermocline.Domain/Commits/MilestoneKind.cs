namespace Thermocline.Domain.Commits;

/// <summary>How a <see cref="Milestone"/> was committed.</summary>
public enum MilestoneKind
{
    /// <summary>A transition with its own commit (<c>PR-005: in-progress → completed</c>).</summary>
    Transition,
    /// <summary>One change of a <c>[Dependencies]</c> commit.</summary>
    Dependency,
}
