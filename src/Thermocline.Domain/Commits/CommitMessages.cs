using System.Globalization;
using System.Text;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Commits;

/// <summary>
/// Writes the commit messages of SPEC.md. Ids are validated (an invalid one is refused), free text is made
/// one safe line, so no input can add lines or trailers to a message.
/// </summary>
public static class CommitMessages
{
    /// <summary>The first line of every display-sync commit.</summary>
    public const string DisplaySyncTitle = "[Display Sync] Update hot state visibility";

    /// <summary>The prefix of a dependency-update commit's first line.</summary>
    public const string DependencyPrefix = "[Dependencies] ";

    /// <summary>Refuses an invalid PR id or agent name with a usage error.</summary>
    public static void Validate(string prId, string agent)
    {
        if (!PrId.IsValid(prId))
        {
            throw ThermoclineException.InvalidPrId(prId);
        }

        if (!AgentId.IsValid(agent))
        {
            throw ThermoclineException.InvalidAgentId(agent);
        }
    }

    /// <summary>The message of a cold transition, exactly as SPEC.md shows it (a Reason line is added last when given).</summary>
    public static string Transition(ColdTransition t, DateTimeOffset timestamp, int maxReasonLength)
    {
        Validate(t.PrId, t.Agent);
        var to = StateNames.Of(t.To);
        var sb = new StringBuilder(256);
        sb.Append(CultureInfo.InvariantCulture, $"{t.PrId}: {t.From} → {to}\n\n");
        sb.Append(Sentence(t)).Append("\n\n");
        sb.Append("Metadata:\n");
        sb.Append(CultureInfo.InvariantCulture, $"- From: {t.From} ({(t.From.IsHot ? "hot" : "cold")})\n");
        sb.Append(CultureInfo.InvariantCulture, $"- To: {to} (cold)\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Agent: {t.Agent}\n");
        if (t.Lease is { } lease)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- Lease: {lease}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"- Timestamp: {CommitText.Timestamp(timestamp)}\n");
        if (CommitText.SingleLine(t.Reason, maxReasonLength) is { } reason)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- Reason: {reason}\n");
        }

        return sb.ToString();
    }

    /// <summary>The end of an addition's title: <c>PR-042: added</c>.</summary>
    public const string AddedSuffix = ": added";

    /// <summary>The message of a PR an agent added: who, its title, and where it was discovered, when said.</summary>
    public static string Addition(string prId, string title, string agent, string? discoveredFrom, DateTimeOffset timestamp)
    {
        Validate(prId, agent);
        var sb = new StringBuilder(192);
        sb.Append(CultureInfo.InvariantCulture, $"{prId}{AddedSuffix}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Agent {agent} added {prId}: {CommitText.SingleLine(title, 200)}.\n\n");
        sb.Append("Metadata:\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Agent: {agent}\n");
        if (discoveredFrom is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- Discovered from: {discoveredFrom}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"- Timestamp: {CommitText.Timestamp(timestamp)}\n");
        return sb.ToString();
    }

    /// <summary>The end of an edit's title: <c>PR-042: edited</c>.</summary>
    public const string EditedSuffix = ": edited";

    /// <summary>
    /// The message of an edit of a PR's fields (<see cref="TaskList.WithEditedPr"/>): who, and each field changed with its
    /// value before and after (a description only as changed: it is a paragraph).
    /// </summary>
    public static string Edit(string prId, string agent, PrFields before, PrFields after, IReadOnlyList<string> changed, DateTimeOffset timestamp)
    {
        Validate(prId, agent);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(changed);
        var sb = new StringBuilder(256);
        sb.Append(CultureInfo.InvariantCulture, $"{prId}{EditedSuffix}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Agent {agent} edited {prId}: {string.Join(", ", changed)}.\n\n");
        sb.Append("Changes:\n");
        foreach (var field in changed)
        {
            var (was, now) = field switch
            {
                "title" => (before.Title, after.Title),
                "priority" => (Name(before.Priority), Name(after.Priority)),
                "dependencies" => ("[" + string.Join(", ", before.Dependencies) + "]", "[" + string.Join(", ", after.Dependencies) + "]"),
                "discovered_from" => (before.DiscoveredFrom ?? "(none)", after.DiscoveredFrom ?? "(none)"),
                _ => ((string?)null, (string?)null),
            };
            sb.Append(CultureInfo.InvariantCulture, $"- {field}: ");
            sb.Append(was is null ? (after.Description is null ? "removed" : before.Description is null ? "added" : "changed") : $"{CommitText.SingleLine(was, 200)} → {CommitText.SingleLine(now, 200)}");
            sb.Append('\n');
        }

        sb.Append("\nMetadata:\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Agent: {agent}\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Fields: {string.Join(", ", changed)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Timestamp: {CommitText.Timestamp(timestamp)}\n");
        return sb.ToString();

        static string Name(Priority? p) => p is { } known ? known.ToString().ToLowerInvariant() : "(none)";
    }

    /// <summary>
    /// A message written by the active hub of a hub group: <c>- Leader-Fence: N</c> (its leader lease's fencing number)
    /// added at the end of the message's metadata, so the history tells which leader made each commit; a message without
    /// a metadata block at its end (a display sync) is left as it is.
    /// </summary>
    public static string WithLeaderFence(string message, long leaderFence)
    {
        ArgumentNullException.ThrowIfNull(message);
        var metadata = message.LastIndexOf("\nMetadata:\n", StringComparison.Ordinal);
        return metadata < 0 || !message.EndsWith('\n') || message.AsSpan(metadata + 11).Contains("\n\n", StringComparison.Ordinal)
            ? message
            : message + string.Create(CultureInfo.InvariantCulture, $"- {LeaderFenceKey}: {leaderFence}\n");
    }

    /// <summary>The metadata key of <see cref="WithLeaderFence"/>.</summary>
    public const string LeaderFenceKey = "Leader-Fence";

    /// <summary>The message of a dependency update: every change listed, one commit.</summary>
    public static string Dependencies(DependencyUpdate update, DateTimeOffset timestamp, int maxCauseLength)
    {
        var cause = CommitText.SingleLine(update.Cause, maxCauseLength) ?? "dependency check";
        var sb = new StringBuilder(128 + (update.Changes.Count * 40));
        var noun = update.Changes.Count == 1 ? "PR" : "PRs";
        sb.Append(CultureInfo.InvariantCulture, $"{DependencyPrefix}Update {update.Changes.Count} {noun} after {CommitText.SingleLine(cause, 48)}\n\n");
        sb.Append("Cold states that follow from dependencies, changed together.\n\n");
        sb.Append("Changes:\n");
        foreach (var c in update.Changes)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- {c.PrId}: {StateNames.Of(c.From)} → {StateNames.Of(c.To)}\n");
        }

        sb.Append("\nMetadata:\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Cause: {cause}\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Agent: {update.Agent}\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Timestamp: {CommitText.Timestamp(timestamp)}\n");
        return sb.ToString();
    }

    /// <summary>The message of a display sync: the PRs shown, or that none is hot.</summary>
    public static string DisplaySync(IReadOnlyList<HotWorkItem> items)
    {
        var sb = new StringBuilder(DisplaySyncTitle.Length + 16 + (items.Count * 48));
        sb.Append(DisplaySyncTitle).Append("\n\n");
        if (items.Count == 0)
        {
            sb.Append("No PR is hot; display cleared.\n");
            return sb.ToString();
        }

        sb.Append("Updated display for:\n");
        foreach (var i in items.OrderBy(i => i.PrId, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"- {i.PrId}: {StateNames.Of(i.State)} ({i.Agent})\n");
        }

        return sb.ToString();
    }

    private static string Sentence(ColdTransition t) => (t.From.IsHot, t.To) switch
    {
        (true, ColdState.Completed) => $"Agent {t.Agent} finished work on {t.PrId}.",
        (true, ColdState.Planned) => $"Agent {t.Agent} finished planning {t.PrId}.",
        (_, ColdState.Approved) => $"Agent {t.Agent} approved {t.PrId}.",
        (_, ColdState.Broken) => $"Agent {t.Agent} marked {t.PrId} broken.",
        (_, ColdState.Planned) => $"Agent {t.Agent} planned {t.PrId}.",
        (_, ColdState.Ready) => $"Agent {t.Agent} marked {t.PrId} ready.",
        (_, ColdState.Blocked) => $"Agent {t.Agent} marked {t.PrId} blocked.",
        _ => $"Agent {t.Agent} moved {t.PrId} to {StateNames.Of(t.To)}.",
    };
}
