namespace Thermocline.Domain.History;

/// <summary>How much an <see cref="AuditFinding"/> weighs.</summary>
public enum FindingSeverity
{
    /// <summary>History breaks a rule of SPEC.md: <c>thermo audit</c> fails.</summary>
    Violation,

    /// <summary>Worth knowing, allowed by the rules (a person's edit of a cold state): fails only under <c>--strict</c>.</summary>
    Warning,
}
