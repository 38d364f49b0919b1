using System.Diagnostics;

namespace Thermocline.Sync.Events;

/// <summary>
/// The state sync's spans: one per claim, transition and release (<see cref="SourceName"/>), tagged with the PR, the
/// transition's kind, the lease's fence and the commit. Nothing records them unless a listener asks (the hub's OTLP
/// export, when configured).
/// </summary>
public static class SyncTracing
{
    /// <summary>The activity source's name, for <c>AddSource</c>.</summary>
    public const string SourceName = "Thermocline.Sync";

    /// <summary>The PR a span is about.</summary>
    public const string PrIdTag = "thermocline.pr.id";

    /// <summary>The lease's fencing number.</summary>
    public const string FenceTag = "thermocline.lease.fence";

    /// <summary>The commit a milestone made.</summary>
    public const string CommitTag = "thermocline.commit.sha";

    /// <summary>The state the PR left.</summary>
    public const string FromTag = "thermocline.transition.from";

    /// <summary>The state the PR is in now.</summary>
    public const string ToTag = "thermocline.transition.to";

    // ActivitySource is process-wide by design (listeners pick sources by name), unlike a Meter, which has a factory.
    internal static readonly ActivitySource Source = new(SourceName, typeof(SyncTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts a span for <paramref name="operation"/> on <paramref name="prId"/>; null when nobody listens.</summary>
    internal static Activity? Start(string operation, string? prId)
    {
        var activity = Source.StartActivity(operation);
        activity?.SetTag(PrIdTag, prId);
        return activity;
    }

    /// <summary>Tags the current span, when it is one of ours, with what the change turned out to be.</summary>
    internal static void Tag(string kind, string? from, string? to, long? fence, string? commit)
    {
        if (Activity.Current is not { } activity || activity.Source != Source)
        {
            return;
        }

        activity.SetTag(SyncMetrics.TransitionKindAttribute, kind);
        activity.SetTag(FromTag, from);
        activity.SetTag(ToTag, to);
        activity.SetTag(FenceTag, fence);
        activity.SetTag(CommitTag, commit);
    }
}
