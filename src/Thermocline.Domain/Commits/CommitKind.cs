namespace Thermocline.Domain.Commits;

/// <summary>What a commit message says a commit is.</summary>
public enum CommitKind
{
    /// <summary>Not one of ours.</summary>
    Other,
    /// <summary><c>PR-xxx: from → to</c>.</summary>
    Transition,
    /// <summary><c>[Dependencies] …</c>.</summary>
    Dependencies,
    /// <summary><c>[Display Sync] …</c>.</summary>
    DisplaySync,

    /// <summary><c>PR-xxx: added</c>: a PR an agent added (<c>thermo add</c>).</summary>
    Addition,

    /// <summary><c>PR-xxx: edited</c>: fields of a PR an agent edited (<c>thermo edit</c>); never its cold state.</summary>
    Edit,
}
