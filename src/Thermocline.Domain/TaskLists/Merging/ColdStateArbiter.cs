using System.Globalization;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;

namespace Thermocline.Domain.TaskLists.Merging;

/// <summary>The side of a merge.</summary>
public enum MergeSide
{
    /// <summary>The branch being merged into (<c>%A</c>).</summary>
    Ours,

    /// <summary>The branch being merged (<c>%B</c>).</summary>
    Theirs,
}

/// <summary>
/// Decides a <see cref="ColdStateDispute"/> by the fences of the two sides' milestones: a logical clock, so no clock
/// skew between machines matters. A side's fence counts only when its last milestone of the PR is a leased one
/// (<c>Lease: N</c>) that ended in the state that side has (else the value was not written by that milestone). The side
/// with the higher fence wins, if its state can be reached from the ancestor's by allowed transitions. Anything else — a
/// side's history unknown, no fence on either side, equal fences, an unreachable state — is left as a conflict, never
/// guessed.
/// </summary>
public static class ColdStateArbiter
{
    /// <summary>The winning side, or null for a conflict; and one sentence saying why.</summary>
    public static (MergeSide? Winner, string Reason) Decide(ColdStateDispute dispute, ColdStateEvidence? evidence)
    {
        ArgumentNullException.ThrowIfNull(dispute);
        var states = $"ours {StateNames.Of(dispute.Ours)}, theirs {StateNames.Of(dispute.Theirs)}, ancestor {StateNames.Of(dispute.Ancestor)}";
        if (evidence is null || evidence.Undetermined is not null)
        {
            return (null, $"cold_state changed on both sides ({states}) and {evidence?.Undetermined ?? "the sides' histories were not read"}; left as a conflict");
        }

        var ours = Fence(evidence.Ours, dispute.Ours);
        var theirs = Fence(evidence.Theirs, dispute.Theirs);
        if (ours is null && theirs is null)
        {
            return (null, $"cold_state changed on both sides ({states}) and neither side's last milestone of {dispute.PrId} is a leased one that set its state; left as a conflict");
        }

        if (ours == theirs)
        {
            return (null, $"cold_state changed on both sides ({states}) by milestones with the same fence ({ours}); left as a conflict");
        }

        var winner = (ours ?? -1) > (theirs ?? -1) ? MergeSide.Ours : MergeSide.Theirs;
        var (state, milestone, fence, loserFence) = winner == MergeSide.Ours
            ? (dispute.Ours, evidence.Ours!, ours!.Value, theirs)
            : (dispute.Theirs, evidence.Theirs!, theirs!.Value, ours);
        if (!Reachable(dispute.Ancestor, state))
        {
            return (null, $"cold_state changed on both sides ({states}); the higher fence ({fence}) is {Name(winner)}, but {StateNames.Of(state)} cannot be reached from {StateNames.Of(dispute.Ancestor)}; left as a conflict");
        }

        var other = loserFence is { } f ? $"lease {f.ToString(CultureInfo.InvariantCulture)}" : "no leased milestone";
        return (winner, $"cold_state {StateNames.Of(state)} from {Name(winner)} (lease {fence.ToString(CultureInfo.InvariantCulture)}, commit {Short(milestone.Sha)}) over {StateNames.Of(winner == MergeSide.Ours ? dispute.Theirs : dispute.Ours)} from {Name(winner == MergeSide.Ours ? MergeSide.Theirs : MergeSide.Ours)} ({other})");
    }

    /// <summary>True when <paramref name="to"/> is <paramref name="from"/> or follows from it by allowed transitions (through hot states too).</summary>
    public static bool Reachable(ColdState from, ColdState to)
    {
        var seen = new HashSet<WorkState> { from };
        var frontier = new Queue<WorkState>([from]);
        while (frontier.TryDequeue(out var state))
        {
            if (state == to)
            {
                return true;
            }

            foreach (var next in TransitionTable.NextStates(state))
            {
                if (seen.Add(next))
                {
                    frontier.Enqueue(next);
                }
            }
        }

        return false;
    }

    private static long? Fence(Milestone? last, ColdState state) => last is { Lease: { } lease } && last.To == state ? lease : null;

    private static string Name(MergeSide side) => side == MergeSide.Ours ? "ours" : "theirs";

    private static string Short(string sha) => sha.Length > 10 ? sha[..10] : sha;
}
