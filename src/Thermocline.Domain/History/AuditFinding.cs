namespace Thermocline.Domain.History;

/// <summary>One thing the history audit found at one commit.</summary>
/// <param name="Sha">The commit.</param>
/// <param name="Kind">What it is about.</param>
/// <param name="Severity">Whether it fails the audit.</param>
/// <param name="Problem">What is wrong, for a person.</param>
public sealed record AuditFinding(string Sha, AuditFindingKind Kind, FindingSeverity Severity, string Problem)
{
    /// <summary>The commit's first line.</summary>
    public string Title { get; init; } = "";

    /// <summary>The PR concerned, when one is.</summary>
    public string? PrId { get; init; }

    /// <summary>The commit's author, for a <see cref="AuditFindingKind.BypassedHub"/> edit.</summary>
    public string? Author { get; init; }

    /// <summary>The cold state before, when a change is concerned.</summary>
    public string? From { get; init; }

    /// <summary>The cold state after, when a change is concerned.</summary>
    public string? To { get; init; }

    /// <summary>The earlier commit it conflicts with (the milestone whose fence a <see cref="AuditFindingKind.FenceRegression"/> did not exceed).</summary>
    public string? OtherSha { get; init; }
}
