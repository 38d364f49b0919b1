namespace Thermocline.Domain.States;

/// <summary>What the state machine says of a requested transition.</summary>
public enum TransitionVerdict
{
    /// <summary>The transition is in the table and may proceed.</summary>
    Allowed,
    /// <summary>Target equals the effective state: nothing to do, nothing is written.</summary>
    NoOp,
    /// <summary>The transition is not in the table.</summary>
    Refused,
}

/// <summary>The outcome of <c>StateMachine.Check</c>: a verdict and, when refused, why.</summary>
/// <param name="Verdict">Allowed, no-op or refused.</param>
/// <param name="Transition">The transition that was checked.</param>
/// <param name="Reason">For a refusal, a sentence a person can act on; otherwise null.</param>
public sealed record TransitionCheck(TransitionVerdict Verdict, Transition Transition, string? Reason)
{
    /// <summary>True when the transition may proceed.</summary>
    public bool IsAllowed => Verdict == TransitionVerdict.Allowed;
}
