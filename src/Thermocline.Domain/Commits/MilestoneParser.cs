using System.Globalization;
using Thermocline.Domain.Identity;
using Thermocline.Domain.States;

namespace Thermocline.Domain.Commits;

/// <summary>Reads milestones back from the commit messages <see cref="CommitMessages"/> writes.</summary>
public static class MilestoneParser
{
    private const string Arrow = " → ";

    /// <summary>What kind of commit a message belongs to, judged by its first line.</summary>
    public static CommitKind Classify(string message)
    {
        var title = Title(message);
        if (title.StartsWith(CommitMessages.DisplaySyncTitle, StringComparison.Ordinal))
        {
            return CommitKind.DisplaySync;
        }

        if (title.StartsWith(CommitMessages.DependencyPrefix, StringComparison.Ordinal))
        {
            return CommitKind.Dependencies;
        }

        if (title.EndsWith(CommitMessages.AddedSuffix, StringComparison.Ordinal) && PrId.IsValid(title.AsSpan(0, title.Length - CommitMessages.AddedSuffix.Length)))
        {
            return CommitKind.Addition;
        }

        if (title.EndsWith(CommitMessages.EditedSuffix, StringComparison.Ordinal) && PrId.IsValid(title.AsSpan(0, title.Length - CommitMessages.EditedSuffix.Length)))
        {
            return CommitKind.Edit;
        }

        return TryParseTitle(title, out _, out _, out _) ? CommitKind.Transition : CommitKind.Other;
    }

    /// <summary>The first line of a message.</summary>
    public static string Title(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('\r');
    }

    /// <summary>
    /// <c>PR-xxx: from → to</c> with a valid id and two known state names (the "to" may be hot: such a title
    /// is what an unclean history would hold).
    /// </summary>
    public static bool TryParseTitle(string title, out string prId, out WorkState from, out WorkState to)
    {
        prId = "";
        from = default;
        to = default;
        var colon = title.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0 || !PrId.IsValid(title.AsSpan(0, colon)))
        {
            return false;
        }

        var rest = title.AsSpan(colon + 2);
        var arrow = rest.IndexOf(Arrow, StringComparison.Ordinal);
        if (arrow < 0 || !StateNames.TryParse(rest[..arrow], out var f) || !StateNames.TryParse(rest[(arrow + Arrow.Length)..], out var t))
        {
            return false;
        }

        prId = title[..colon];
        from = f.Value;
        to = t.Value;
        return true;
    }

    /// <summary>The milestones a commit message records (none for other kinds of commit).</summary>
    public static IEnumerable<Milestone> Parse(string sha, string message, DateTimeOffset committed)
    {
        var lines = message.ReplaceLineEndings("\n").Split('\n');
        var meta = Metadata(lines);
        var agent = meta.GetValueOrDefault("Agent") ?? "";
        var timestamp = DateTimeOffset.TryParseExact(meta.GetValueOrDefault("Timestamp"), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts)
            ? ts
            : committed;
        long? lease = long.TryParse(meta.GetValueOrDefault("Lease"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null;
        var title = lines[0];
        if (TryParseTitle(title, out var prId, out var from, out var to))
        {
            if (to.IsCold)
            {
                yield return new Milestone(sha, prId, from, to.Cold, agent, lease, timestamp, MilestoneKind.Transition)
                {
                    Reason = meta.GetValueOrDefault("Reason"),
                };
            }

            yield break;
        }

        if (!title.StartsWith(CommitMessages.DependencyPrefix, StringComparison.Ordinal))
        {
            yield break;
        }

        var inChanges = false;
        foreach (var line in lines)
        {
            if (line == "Changes:")
            {
                inChanges = true;
                continue;
            }

            if (!inChanges)
            {
                continue;
            }

            if (!line.StartsWith("- ", StringComparison.Ordinal))
            {
                break;
            }

            if (TryParseTitle(line[2..], out var id, out var f, out var t) && f.IsCold && t.IsCold)
            {
                yield return new Milestone(sha, id, f, t.Cold, agent, null, timestamp, MilestoneKind.Dependency);
            }
        }
    }

    private static Dictionary<string, string> Metadata(string[] lines)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var inMetadata = false;
        foreach (var line in lines)
        {
            if (line == "Metadata:")
            {
                inMetadata = true;
                continue;
            }

            if (!inMetadata)
            {
                continue;
            }

            if (!line.StartsWith("- ", StringComparison.Ordinal))
            {
                inMetadata = false;
                continue;
            }

            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 2)
            {
                result.TryAdd(line[2..colon], line[(colon + 2)..]);
            }
        }

        return result;
    }
}
