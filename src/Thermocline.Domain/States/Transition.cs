namespace Thermocline.Domain.States;

/// <summary>One allowed pair of the transition table.</summary>
/// <param name="From">The effective state the transition starts from.</param>
/// <param name="To">The state it ends in.</param>
public readonly record struct Transition(WorkState From, WorkState To)
{
    /// <summary>Which of the four kinds this transition is.</summary>
    public TransitionKind Kind => (From.IsHot, To.IsHot) switch
    {
        (false, false) => TransitionKind.ColdToCold,
        (false, true) => TransitionKind.ColdToHot,
        (true, true) => TransitionKind.HotToHot,
        (true, false) => TransitionKind.HotToCold,
    };

    /// <summary>True when the transition produces a git commit (it ends in a cold state).</summary>
    public bool Commits => To.IsCold;

    /// <inheritdoc />
    public override string ToString() => $"{From} → {To}";
}
