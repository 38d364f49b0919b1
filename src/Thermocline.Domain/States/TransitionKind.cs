namespace Thermocline.Domain.States;

/// <summary>The four kinds of transition of SPEC.md; the kind decides whether git is written.</summary>
public enum TransitionKind
{
    /// <summary>cold → cold: a milestone, committed to git.</summary>
    ColdToCold,
    /// <summary>cold → hot: a claim, Redis only.</summary>
    ColdToHot,
    /// <summary>hot → hot: progress, Redis only.</summary>
    HotToHot,
    /// <summary>hot → cold: a milestone, committed to git; the hot state is cleared.</summary>
    HotToCold,
}
