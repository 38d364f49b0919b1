namespace Thermocline.Sync.Reconciliation;

/// <summary>The conflicts of SPEC.md between Redis and git, plus a cold-state cache that disagrees with git.</summary>
public enum ConflictKind
{
    /// <summary>Redis has a hot state that git's cold state no longer allows (e.g. git says approved): clear it.</summary>
    HotStateContradictsGit,
    /// <summary>Redis lacks the cold state git has: write git's.</summary>
    ColdStateMissing,
    /// <summary>Redis caches a different cold state than git: write git's.</summary>
    ColdStateDiffers,
    /// <summary>Redis holds state for a PR git does not have: clear it.</summary>
    Orphaned,
    /// <summary>The heartbeat expired but the hot index still lists the PR: drop it, the PR is back at its cold state.</summary>
    HeartbeatExpired,
}
