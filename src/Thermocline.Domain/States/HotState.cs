namespace Thermocline.Domain.States;

/// <summary>Work in progress, held in Redis only, with heartbeats and expiry. Never committed as a state change.</summary>
public enum HotState
{
    /// <summary><c>investigating</c>.</summary>
    Investigating,
    /// <summary><c>planning</c>.</summary>
    Planning,
    /// <summary><c>in-progress</c>.</summary>
    InProgress,
    /// <summary><c>under-review</c>.</summary>
    UnderReview,
}
