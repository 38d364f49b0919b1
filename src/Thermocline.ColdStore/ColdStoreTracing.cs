using System.Diagnostics;

namespace Thermocline.ColdStore;

/// <summary>
/// The cold store's span: one per commit through the write path (<see cref="SourceName"/>), tagged with the commit made
/// and how often the branch moved underneath. Nothing records it unless a listener asks (the hub's OTLP export, when
/// configured); a transition's span in the state sync is its parent.
/// </summary>
public static class ColdStoreTracing
{
    /// <summary>The activity source's name, for <c>AddSource</c>.</summary>
    public const string SourceName = "Thermocline.ColdStore";

    /// <summary>The commit made (or the branch's tip, when there was nothing to commit).</summary>
    public const string CommitTag = "thermocline.commit.sha";

    /// <summary>False when the change was already in git.</summary>
    public const string CommittedTag = "thermocline.commit.committed";

    /// <summary>How many times the branch moved underneath and the edit was planned again.</summary>
    public const string RetriesTag = "thermocline.commit.branch_moved_retries";

    // Process-wide by design: listeners pick activity sources by name.
    internal static readonly ActivitySource Source = new(SourceName, typeof(ColdStoreTracing).Assembly.GetName().Version?.ToString());
}
