namespace Thermocline.Domain.TaskLists;

/// <summary>A PR's priority; <c>ready</c> lists PRs by it, critical first.</summary>
public enum Priority
{
    /// <summary><c>critical</c>.</summary>
    Critical,
    /// <summary><c>high</c>.</summary>
    High,
    /// <summary><c>medium</c>; also what a PR without a priority is ranked as.</summary>
    Medium,
    /// <summary><c>low</c>.</summary>
    Low,
}
