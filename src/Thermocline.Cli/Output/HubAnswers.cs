using Thermocline.Hub.Api;

namespace Thermocline.Cli.Output;

/// <summary>The hub's answers as a person reads them (or as JSON): one place for every command that shows them.</summary>
internal static class HubAnswers
{
    /// <summary>What a claim or transition did: the step, its commit, the lease and how to keep it, what it unlocked.</summary>
    public static async Task TransitionAsync(CliStreams streams, TransitionView result, bool json)
    {
        if (json)
        {
            Json.Write(streams.Out, result);
            return;
        }

        if (result.NoOp)
        {
            await streams.Out.WriteLineAsync(result.Commit is { } done
                ? $"{result.PrId} is already {result.To}: this milestone was committed before as {done[..10]}; nothing changed."
                : $"{result.PrId} is already {result.To}; nothing changed.");
            return;
        }

        if (result.Queued)
        {
            await streams.Out.WriteLineAsync($"{result.PrId} → {result.To} queued: Redis is unreachable; the hub replays it (checking your lease) on reconnect.");
            return;
        }

        await streams.Out.WriteLineAsync($"{result.PrId}: {result.From} → {result.To}" + (result.Commit is { } sha ? $" (commit {sha[..10]}{(result.PushedTo is { } remote ? $", pushed to {remote}" : "")})" : " (Redis only, no commit)"));
        if (result.Lease is { } lease && result.Kind == "cold-to-hot")
        {
            await streams.Out.WriteLineAsync($"lease {lease}");
            await streams.Out.WriteLineAsync($"keep it alive: thermo heartbeat {result.PrId} --agent NAME --lease {lease} --every 60s" +
                (result.LeaseTtlSeconds is { } ttl ? $" (it lives {Durations.Format(ttl)} after each heartbeat)" : ""));
            if (result.ReservedPaths is { Count: > 0 } reserved)
            {
                await streams.Out.WriteLineAsync($"reserved until the lease ends: {string.Join(", ", reserved.Select(TerminalText.Escape))}");
            }

            if (result.Handoff is { } note)
            {
                await streams.Out.WriteLineAsync(NoteLine("handoff", note));
            }
        }

        foreach (var change in result.DependencyChanges)
        {
            await streams.Out.WriteLineAsync($"  unlocked by dependencies: {change}");
        }
    }

    /// <summary>A handoff note as one line: who left it, under which fence, how long ago, and the text.</summary>
    public static string NoteLine(string label, NoteView note) =>
        $"{label} from {TerminalText.Escape(note.Agent)} (fence {note.Fence}, {Durations.Format(Math.Max(0, (TimeProvider.System.GetUtcNow() - note.At).TotalSeconds))} ago): {TerminalText.Escape(note.Text)}";

    /// <summary>The PRs as a table: id, cold and hot state, holder, heartbeat age, title.</summary>
    public static string Board(IReadOnlyList<PrView> prs)
    {
        var table = new TextTable("PR", "COLD", "HOT", "AGENT", "HEARTBEAT", "TITLE");
        foreach (var p in prs)
        {
            if (p.HotStateUnavailable)
            {
                table.Add(p.Id, p.ColdState, "?", "?", "?", p.Title);
                continue;
            }

            table.Add(p.Id, p.ColdState, p.HotState, p.Agent, p.HeartbeatAgeSeconds is { } age ? Durations.Format(age) + " ago" : null, p.Title);
        }

        return table.ToString();
    }

    /// <summary>
    /// One line per PR that is not offered because its files overlap another lease's reservation (empty when none): what
    /// <c>ready</c> and <c>status</c> print under their table, so a PR missing from the offer is explained.
    /// </summary>
    public static IEnumerable<string> PathWaits(IEnumerable<PrView> prs)
    {
        foreach (var p in prs)
        {
            if (p.WaitsForPaths is { } w)
            {
                yield return $"{p.Id} waits for paths reserved by {w.PrId} ({TerminalText.Escape(w.Agent)}, fence {w.Fence}): {string.Join(", ", w.Paths.Select(TerminalText.Escape))}";
            }
        }
    }

    /// <summary>What a heartbeat did.</summary>
    public static async Task HeartbeatAsync(CliStreams streams, WriteView result, bool json)
    {
        if (json)
        {
            Json.Write(streams.Out, result);
            return;
        }

        await streams.Out.WriteLineAsync(result.Result == "queued"
            ? $"{result.PrId}: heartbeat queued (Redis is unreachable; the hub replays it on reconnect)"
            : $"{result.PrId}: heartbeat ok");
    }
}
