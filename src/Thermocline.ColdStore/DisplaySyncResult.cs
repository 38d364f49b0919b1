namespace Thermocline.ColdStore;

/// <summary>What a display sync did.</summary>
/// <param name="Outcome">Committed, or why not.</param>
/// <param name="Commit">The commit, when one was made.</param>
/// <param name="PrsShown">The PRs the display now lists (empty when nothing is hot).</param>
public sealed record DisplaySyncResult(DisplaySyncOutcome Outcome, ColdCommit? Commit, IReadOnlyList<string> PrsShown);

/// <summary>The outcome of a display sync.</summary>
public enum DisplaySyncOutcome
{
    /// <summary>The display changed and was committed.</summary>
    Committed,
    /// <summary>Skipped: a cold commit happened within the quiet period (5 s by default).</summary>
    SkippedRecentColdCommit,
    /// <summary>Skipped: the display on the branch already shows this (ignoring its timestamp).</summary>
    SkippedUnchanged,
    /// <summary>Skipped: a person's merge, rebase or other operation is in progress on the branch (see the log).</summary>
    SkippedCheckoutBusy,
}
