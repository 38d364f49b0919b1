namespace Thermocline.ColdStore.History;

/// <summary>The result of checking that history holds only milestone, dependency and display-sync commits.</summary>
/// <param name="CommitsExamined">Commits walked.</param>
/// <param name="Violations">Each commit that breaks the rule, newest first.</param>
public sealed record HistoryAudit(int CommitsExamined, IReadOnlyList<HistoryViolation> Violations)
{
    /// <summary>True when no commit breaks the rule.</summary>
    public bool IsClean => Violations.Count == 0;
}

/// <summary>One commit that breaks the clean-history rule.</summary>
/// <param name="Sha">The commit.</param>
/// <param name="Title">Its first line.</param>
/// <param name="Problem">What is wrong with it.</param>
public sealed record HistoryViolation(string Sha, string Title, string Problem);
