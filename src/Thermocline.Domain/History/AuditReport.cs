using System.Globalization;

namespace Thermocline.Domain.History;

/// <summary>What <c>thermo audit</c> found replaying a branch's history, oldest first.</summary>
/// <param name="CommitsExamined">Commits walked.</param>
/// <param name="Milestones">Milestones recorded in hub commits (each change of a dependency commit counts once).</param>
/// <param name="Prs">PRs seen in any task list of the history.</param>
/// <param name="Findings">Everything found, in history order (oldest commit first).</param>
public sealed record AuditReport(int CommitsExamined, int Milestones, int Prs, IReadOnlyList<AuditFinding> Findings)
{
    /// <summary>The findings that break a rule.</summary>
    public IReadOnlyList<AuditFinding> Violations => [.. Findings.Where(f => f.Severity == FindingSeverity.Violation)];

    /// <summary>The findings worth knowing that break no rule.</summary>
    public IReadOnlyList<AuditFinding> Warnings => [.. Findings.Where(f => f.Severity == FindingSeverity.Warning)];

    /// <summary>True when no finding is a violation (warnings allowed).</summary>
    public bool IsClean => Findings.All(f => f.Severity != FindingSeverity.Violation);

    /// <summary><c>N commits, M milestones, K PRs: clean</c>, or with the number of violations and warnings.</summary>
    public string Summary
    {
        get
        {
            var head = string.Create(CultureInfo.InvariantCulture, $"{CommitsExamined} commits, {Milestones} milestones, {Prs} PRs");
            var violations = Findings.Count(f => f.Severity == FindingSeverity.Violation);
            var warnings = Findings.Count - violations;
            return Findings.Count == 0
                ? head + ": clean"
                : string.Create(CultureInfo.InvariantCulture, $"{head}: {(violations == 0 ? "clean, " : "")}{violations} violation{(violations == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}");
        }
    }
}
