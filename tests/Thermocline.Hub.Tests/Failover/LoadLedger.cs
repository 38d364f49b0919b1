using System.Collections.Concurrent;
using System.Diagnostics;

namespace Thermocline.Hub.Tests.Failover;

/// <summary>One use of a lease the hub accepted (the claim itself, a hot step, a heartbeat applied, the milestone, the release): when it was sent and answered, ms since the load began.</summary>
internal sealed record LeaseUse(string What, double Sent, double Answered);

/// <summary>A lease the hub handed out: its PR, fence, holder, when the claim was sent and answered, every use the hub accepted, and how it ended.</summary>
internal sealed class LeaseRecord(string prId, long fence, string agent, string lease, double sent, double answered)
{
    private readonly ConcurrentQueue<LeaseUse> _uses = new([new LeaseUse("claim", sent, answered)]);

    public string PrId { get; } = prId;

    public long Fence { get; } = fence;

    public string Agent { get; } = agent;

    public string Lease { get; } = lease;

    public double ClaimSent { get; } = sent;

    public double ClaimAnswered { get; } = answered;

    public IEnumerable<LeaseUse> Uses => _uses;

    /// <summary>How it ended as its holder learnt it (milestone, released, lost: …, abandoned: …); null while held.</summary>
    public string? Ending { get; set; }

    public void Used(string what, double sent, double answered) => _uses.Enqueue(new LeaseUse(what, sent, answered));

    public override string ToString() => $"{PrId} fence {Fence} ({Agent}, claimed {ClaimSent:0}–{ClaimAnswered:0} ms, {Ending ?? "held"})";
}

/// <summary>A milestone the hub acknowledged (exit 0 with a commit): the commit, and the lease it ended (null for a cold → cold step).</summary>
internal sealed record AcknowledgedMilestone(string PrId, string From, string To, long? Fence, string Agent, string Commit, string? DependencyCommit, string? PushedTo, bool NoOp, double Sent, double Answered, string Phase)
{
    /// <summary>The commit's title, as SPEC.md writes it.</summary>
    public string Title => $"{PrId}: {From} → {To}";

    public override string ToString() => $"{Title} fence {Fence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} by {Agent} ({Commit[..10]}, {Phase})";
}

/// <summary>
/// What the agents of a load were told, on one clock (ms since the load began): every lease, every acknowledged
/// milestone, every command's exit code per phase, and the answers no agent should get.
/// </summary>
internal sealed class LoadLedger
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<(string Phase, string Command, int Exit), int> _outcomes = new();

    public ConcurrentQueue<LeaseRecord> Leases { get; } = new();

    public ConcurrentQueue<AcknowledgedMilestone> Milestones { get; } = new();

    /// <summary>Answers outside the load's rules (an exit code no step expects), with the run.</summary>
    public ConcurrentQueue<string> Unexpected { get; } = new();

    /// <summary>The phase the test is in; every outcome is counted under it.</summary>
    public string Phase { get; set; } = "start";

    /// <summary>Now, in ms since the load began.</summary>
    public double Now => _clock.Elapsed.TotalMilliseconds;

    private readonly ConcurrentDictionary<(string Phase, string Command, int Exit), string> _lastError = new();
    private readonly ConcurrentQueue<double> _took = new();

    /// <summary>How long the commands took, ms: median and 90th percentile.</summary>
    public (double Median, double P90) CommandTimes()
    {
        var sorted = _took.Order().ToList();
        return sorted.Count == 0 ? (0, 0) : (sorted[sorted.Count / 2], sorted[(int)(sorted.Count * 0.9)]);
    }

    /// <summary>Counts one run of <paramref name="command"/> and keeps the last error it printed for that exit code.</summary>
    public void Count(string command, int exit, string error, double took)
    {
        _took.Enqueue(took);
        _outcomes.AddOrUpdate((Phase, command, exit), 1, (_, n) => n + 1);
        if (exit != 0)
        {
            _lastError[(Phase, command, exit)] = error.Trim();
        }
    }

    /// <summary>The last error of each command and exit code in each phase, one line each.</summary>
    public IEnumerable<string> LastErrors() =>
        _lastError.OrderBy(e => e.Key.Phase, StringComparer.Ordinal).Select(e => $"{e.Key.Phase}: {e.Key.Command} exit {e.Key.Exit}: {e.Value}");

    /// <summary>How many <paramref name="command"/> runs exited <paramref name="exit"/> in <paramref name="phase"/> (any phase when null).</summary>
    public int Outcomes(string command, int exit, string? phase = null) =>
        _outcomes.Where(o => o.Key.Command == command && o.Key.Exit == exit && (phase is null || o.Key.Phase == phase)).Sum(o => o.Value);

    /// <summary>Every outcome by phase, one line each: <c>phase: claim 0×12 4×3 …</c>.</summary>
    public IEnumerable<string> Summary() => _outcomes.GroupBy(o => o.Key.Phase).Select(p =>
        $"{p.Key}: " + string.Join("  ", p.GroupBy(o => o.Key.Command).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Key + " " + string.Join(" ", c.OrderBy(o => o.Key.Exit).Select(o => $"{o.Key.Exit}×{o.Value}")))));

    /// <summary>
    /// No PR was held by two agents at once, as the agents saw it: fences of one PR grow in the order the claims were
    /// answered, no fence is handed out twice, and no use of a lease sent after a newer lease of the PR was handed out was
    /// accepted (the hub would have let two holders act at once).
    /// </summary>
    public IEnumerable<string> DoubleHolds()
    {
        foreach (var pr in Leases.GroupBy(l => l.PrId))
        {
            var leases = pr.OrderBy(l => l.ClaimAnswered).ToList();
            foreach (var same in leases.GroupBy(l => l.Fence).Where(g => g.Count() > 1))
            {
                yield return $"{pr.Key}: fence {same.Key} handed out {same.Count()} times: {string.Join("; ", same)}";
            }

            foreach (var older in leases)
            {
                foreach (var newer in leases.Where(n => n.Fence > older.Fence))
                {
                    foreach (var use in older.Uses.Where(u => u.Sent > newer.ClaimAnswered))
                    {
                        yield return $"{pr.Key}: {older}'s {use.What} sent at {use.Sent:0} ms was accepted after {newer} was handed out";
                    }
                }

                foreach (var later in leases.Where(l => l.ClaimSent > older.ClaimAnswered && l.Fence <= older.Fence))
                {
                    yield return $"{pr.Key}: {later} was handed out after {older}, with a fence not above it";
                }
            }
        }
    }
}
