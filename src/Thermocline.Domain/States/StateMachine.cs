namespace Thermocline.Domain.States;

/// <summary>Validates transitions against <see cref="TransitionTable"/> and explains refusals.</summary>
public static class StateMachine
{
    /// <summary>
    /// Checks <paramref name="from"/> → <paramref name="to"/>, where <paramref name="from"/> is the PR's effective state.
    /// </summary>
    public static TransitionCheck Check(WorkState from, WorkState to)
    {
        var transition = new Transition(from, to);
        if (from == to)
        {
            return new TransitionCheck(TransitionVerdict.NoOp, transition, null);
        }

        if (TransitionTable.IsAllowed(from, to))
        {
            return new TransitionCheck(TransitionVerdict.Allowed, transition, null);
        }

        return new TransitionCheck(TransitionVerdict.Refused, transition, ExplainRefusal(from, to));
    }

    /// <summary>Checks a transition of a PR given its cold state and its hot state, if any.</summary>
    public static TransitionCheck Check(ColdState cold, HotState? hot, WorkState to) => Check(WorkState.Effective(cold, hot), to);

    /// <summary>
    /// The hot states a PR can be in while git shows <paramref name="cold"/>: those a claim from it reaches, and
    /// every hot state reachable from those by hot → hot steps. Any other hot state contradicts git.
    /// </summary>
    public static IReadOnlySet<HotState> HotStatesConsistentWith(ColdState cold)
    {
        var reached = new HashSet<HotState>();
        var frontier = new Queue<WorkState>(TransitionTable.NextStates(cold).Where(s => s.IsHot));
        while (frontier.TryDequeue(out var state))
        {
            if (reached.Add(state.Hot))
            {
                foreach (var next in TransitionTable.NextStates(state).Where(s => s.IsHot))
                {
                    frontier.Enqueue(next);
                }
            }
        }

        return reached;
    }

    /// <summary>
    /// The hot state a claim of a PR at <paramref name="cold"/> goes to when the agent names none: work
    /// (<c>in-progress</c>) from ready and planned, review from completed, investigation from broken; null when no
    /// claim is allowed.
    /// </summary>
    public static HotState? DefaultClaimTarget(ColdState cold) => cold switch
    {
        ColdState.Ready or ColdState.Planned => HotState.InProgress,
        ColdState.Completed => HotState.UnderReview,
        ColdState.Broken => HotState.Investigating,
        _ => null,
    };

    private static string ExplainRefusal(WorkState from, WorkState to)
    {
        var next = TransitionTable.NextStates(from).Select(s => s.ToString()).ToList();
        var allowed = next.Count == 0
            ? $"{from} is final: no transition leaves it"
            : $"from {from} the allowed targets are: {string.Join(", ", next)}";
        var hint = (from.IsHot, to.IsHot) switch
        {
            (false, false) when next.Count > 0 => "",
            (true, false) => " A hot state ends only in the milestone it leads to; release the PR to drop back to its cold state.",
            (false, true) => $" Only a PR whose effective state allows it can be claimed into {to}.",
            _ => "",
        };
        return $"{from} → {to} is not an allowed transition; {allowed}.{hint}";
    }
}
