namespace Thermocline.Sync.Status;

/// <summary>What start-up did.</summary>
/// <param name="RecoveredFromCrash">True when the last hub did not stop cleanly (or Redis was empty) and Redis was rebuilt from git.</param>
/// <param name="Prs">PRs hydrated from git.</param>
/// <param name="ConflictsResolved">Conflicts reconciliation resolved.</param>
/// <param name="DependencyChanges">Cold transitions the dependency engine committed.</param>
/// <param name="Duration">From the first read of git to ready to serve.</param>
/// <param name="TaskListProblem">When the task list at HEAD does not parse: what is wrong (the hub then serves without it).</param>
public sealed record StartupReport(bool RecoveredFromCrash, int Prs, int ConflictsResolved, int DependencyChanges, TimeSpan Duration, string? TaskListProblem);
