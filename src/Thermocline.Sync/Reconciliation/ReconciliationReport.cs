namespace Thermocline.Sync.Reconciliation;

/// <summary>What a reconciliation found and, unless it was a dry run, resolved.</summary>
/// <param name="DryRun">True when nothing was changed.</param>
/// <param name="Conflicts">Every conflict found.</param>
/// <param name="Skipped">Why reconciliation did not run (the task list at HEAD does not parse), or null.</param>
public sealed record ReconciliationReport(bool DryRun, IReadOnlyList<Conflict> Conflicts, string? Skipped = null)
{
    /// <summary>True when Redis and git agree.</summary>
    public bool Clean => Conflicts.Count == 0 && Skipped is null;
}
