using System.Globalization;
using System.Text.RegularExpressions;

namespace Thermocline.Hub.Tests.Failover;

/// <summary>One milestone commit on the remote's branch, as its message tells it (SPEC.md's format).</summary>
internal sealed record MilestoneCommit(string Sha, string PrId, string From, string To, long? Fence, string? Agent, string? Timestamp, bool Restored)
{
    public string Title => $"{PrId}: {From} → {To}";

    public override string ToString() => $"{Sha[..10]} {Title} fence {Fence?.ToString(CultureInfo.InvariantCulture) ?? "-"} by {Agent}{(Restored ? " (restored)" : "")}";
}

/// <summary>
/// The remote branch's history, oldest first: every commit id, and the milestone commits parsed. Checks that every
/// acknowledged milestone is on it exactly once, and that its fences never show one PR held by two agents at once.
/// </summary>
internal sealed partial class RemoteMilestones
{
    private RemoteMilestones(IReadOnlySet<string> shas, IReadOnlyList<MilestoneCommit> milestones) => (Shas, Milestones) = (shas, milestones);

    /// <summary>Every commit on the branch.</summary>
    public IReadOnlySet<string> Shas { get; }

    /// <summary>The milestone commits, oldest first.</summary>
    public IReadOnlyList<MilestoneCommit> Milestones { get; }

    /// <summary>Reads <c>main</c> of the repository <paramref name="git"/> runs on (git ARGS → stdout).</summary>
    public static RemoteMilestones Read(Func<string[], string> git)
    {
        var records = git(["log", "--reverse", "--topo-order", "--format=%H%x1f%s%x1f%b%x1e", "main"])
            .Split('\x1e', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.Split('\x1f'))
            .ToList();
        var milestones = new List<MilestoneCommit>();
        foreach (var r in records)
        {
            if (Title().Match(r[1]) is not { Success: true } title)
            {
                continue;
            }

            var body = r.Length > 2 ? r[2] : "";
            milestones.Add(new MilestoneCommit(
                r[0],
                title.Groups["pr"].Value,
                title.Groups["from"].Value,
                title.Groups["to"].Value,
                Meta(body, "Lease") is { } fence ? long.Parse(fence, CultureInfo.InvariantCulture) : null,
                Meta(body, "Agent"),
                Meta(body, "Timestamp"),
                body.Contains("Restored", StringComparison.Ordinal)));
        }

        return new RemoteMilestones(records.Select(r => r[0]).ToHashSet(StringComparer.Ordinal), milestones);
    }

    /// <summary>Every acknowledged milestone whose commit is not on the branch, or whose step (title and lease) is there other than once.</summary>
    public IEnumerable<string> NotThereExactlyOnce(IEnumerable<AcknowledgedMilestone> acknowledged)
    {
        foreach (var m in acknowledged)
        {
            if (!Shas.Contains(m.Commit))
            {
                yield return $"acknowledged {m} is not on the remote's main";
                continue;
            }

            // A leased step is one lease's end: its title and fence say which. A cold → cold step has no lease: its
            // commit's agent and timestamp tell it from another of the same title. An answer "already done" (NoOp) names
            // the commit made before, with the PR's state now as its from.
            var commit = Milestones.SingleOrDefault(c => c.Sha == m.Commit);
            if (commit is null || commit.PrId != m.PrId || commit.To != m.To || (!m.NoOp && (commit.From != m.From || commit.Fence != m.Fence)))
            {
                yield return $"acknowledged {m} names commit {m.Commit[..10]}, which is {(commit is null ? "no milestone" : commit.ToString())}";
                continue;
            }

            var copies = Milestones.Count(c => c.Title == commit.Title && c.Fence == commit.Fence && (commit.Fence is not null || (c.Agent == commit.Agent && c.Timestamp == commit.Timestamp)));
            if (copies != 1)
            {
                yield return $"acknowledged {m} is on the remote's main {copies} times";
            }
        }
    }

    /// <summary>
    /// For each PR, in commit order: leased milestones' fences strictly increase (a fence repeated is a milestone committed
    /// twice, one going down a PR held by two agents at once), and one fence belongs to one agent.
    /// </summary>
    public IEnumerable<string> FenceViolations()
    {
        foreach (var pr in Milestones.Where(m => m.Fence is not null).GroupBy(m => m.PrId))
        {
            MilestoneCommit? previous = null;
            foreach (var m in pr)
            {
                if (previous is not null && m.Fence <= previous.Fence)
                {
                    yield return $"{pr.Key}: {m} follows {previous}: its fence is not above";
                }

                previous = m;
            }

            foreach (var fence in pr.GroupBy(m => m.Fence).Where(g => g.Select(m => m.Agent).Distinct().Count() > 1))
            {
                yield return $"{pr.Key}: fence {fence.Key} belongs to several agents: {string.Join("; ", fence)}";
            }
        }
    }

    /// <summary>Leased milestone commits whose fence no agent of the load was handed for that PR, or was handed to another agent.</summary>
    public IEnumerable<string> UnknownLeases(IEnumerable<LeaseRecord> leases)
    {
        var handed = leases.GroupBy(l => (l.PrId, l.Fence)).ToDictionary(g => g.Key, g => g.First().Agent);
        foreach (var m in Milestones.Where(m => m.Fence is not null))
        {
            if (!handed.TryGetValue((m.PrId, m.Fence!.Value), out var agent))
            {
                yield return $"{m}: no agent was handed fence {m.Fence} of {m.PrId}";
            }
            else if (agent != m.Agent)
            {
                yield return $"{m}: fence {m.Fence} of {m.PrId} was handed to {agent}";
            }
        }
    }

    private static string? Meta(string body, string key)
    {
        var prefix = $"- {key}: ";
        return body.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();
    }

    [GeneratedRegex(@"^(?<pr>PR-\d+): (?<from>[a-z-]+) → (?<to>[a-z-]+)$")]
    private static partial Regex Title();
}
