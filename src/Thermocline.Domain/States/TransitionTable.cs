using System.Collections.Frozen;

namespace Thermocline.Domain.States;

/// <summary>
/// The transition table of SPEC.md, exactly: every allowed pair and nothing else.
/// </summary>
public static class TransitionTable
{
    /// <summary>Every allowed transition, in the order SPEC.md lists them.</summary>
    public static IReadOnlyList<Transition> All { get; } =
    [
        // cold → cold
        new(ColdState.New, ColdState.Ready),
        new(ColdState.New, ColdState.Blocked),
        new(ColdState.Blocked, ColdState.Ready),
        new(ColdState.Ready, ColdState.Blocked),
        new(ColdState.Planned, ColdState.Blocked),
        new(ColdState.Completed, ColdState.Approved),
        new(ColdState.Completed, ColdState.Broken),
        new(ColdState.Approved, ColdState.Broken),
        new(ColdState.Broken, ColdState.Planned),

        // cold → hot
        new(ColdState.Ready, HotState.Investigating),
        new(ColdState.Ready, HotState.InProgress),
        new(ColdState.Planned, HotState.InProgress),
        new(ColdState.Planned, HotState.Investigating),
        new(ColdState.Completed, HotState.UnderReview),
        new(ColdState.Broken, HotState.Investigating),

        // hot → hot
        new(HotState.Investigating, HotState.Planning),
        new(HotState.Planning, HotState.InProgress),
        new(HotState.InProgress, HotState.UnderReview),

        // hot → cold
        new(HotState.Investigating, ColdState.Planned),
        new(HotState.Planning, ColdState.Planned),
        new(HotState.InProgress, ColdState.Completed),
        new(HotState.UnderReview, ColdState.Approved),
        new(HotState.UnderReview, ColdState.Broken),
    ];

    private static readonly FrozenSet<Transition> Allowed = All.ToFrozenSet();

    /// <summary>True when <paramref name="from"/> → <paramref name="to"/> is in the table.</summary>
    public static bool IsAllowed(WorkState from, WorkState to) => Allowed.Contains(new Transition(from, to));

    /// <summary>The states reachable from <paramref name="from"/> in one allowed step.</summary>
    public static IEnumerable<WorkState> NextStates(WorkState from) => All.Where(t => t.From == from).Select(t => t.To);
}
