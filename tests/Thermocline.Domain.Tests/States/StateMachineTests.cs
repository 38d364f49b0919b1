using CsCheck;
using Thermocline.Domain.States;

namespace Thermocline.Domain.Tests.States;

public class StateMachineTests
{
    // SPEC.md's table, written out as text so the test does not share code with the implementation.
    private static readonly HashSet<(string, string)> Spec =
    [
        ("new", "ready"), ("new", "blocked"), ("blocked", "ready"), ("ready", "blocked"), ("planned", "blocked"),
        ("completed", "approved"), ("completed", "broken"), ("approved", "broken"), ("broken", "planned"),
        ("ready", "investigating"), ("ready", "in-progress"), ("planned", "in-progress"), ("planned", "investigating"),
        ("completed", "under-review"), ("broken", "investigating"),
        ("investigating", "planning"), ("planning", "in-progress"), ("in-progress", "under-review"),
        ("investigating", "planned"), ("planning", "planned"), ("in-progress", "completed"),
        ("under-review", "approved"), ("under-review", "broken"),
    ];

    private static readonly string[] AllNames = [.. StateNames.AllCold, .. StateNames.AllHot];

    private static WorkState Parse(string name) => StateNames.TryParse(name, out var s) ? s.Value : throw new ArgumentException(name);

    [Fact]
    public void IsAllowed_EveryPairOfStates_MatchesTheSpecTableExactly()
    {
        var allowed = 0;
        foreach (var from in AllNames)
        {
            foreach (var to in AllNames)
            {
                var expected = Spec.Contains((from, to));
                Assert.True(expected == TransitionTable.IsAllowed(Parse(from), Parse(to)), $"{from} → {to}");
                allowed += expected ? 1 : 0;
            }
        }

        Assert.Equal(23, allowed);
        Assert.Equal(23, TransitionTable.All.Count);
    }

    [Fact]
    public void Check_RandomPairs_AllowsExactlyTheTableAndExplainsRefusals()
    {
        Gen.Select(Gen.Int[0, AllNames.Length - 1], Gen.Int[0, AllNames.Length - 1]).Sample((f, t) =>
        {
            var (from, to) = (AllNames[f], AllNames[t]);
            var check = StateMachine.Check(Parse(from), Parse(to));
            var expected = from == to ? TransitionVerdict.NoOp
                : Spec.Contains((from, to)) ? TransitionVerdict.Allowed
                : TransitionVerdict.Refused;
            Assert.Equal(expected, check.Verdict);
            if (expected == TransitionVerdict.Refused)
            {
                Assert.Contains($"{from} → {to} is not an allowed transition", check.Reason, StringComparison.Ordinal);
            }
            else
            {
                Assert.Null(check.Reason);
            }
        }, iter: 2000);
    }

    [Theory]
    [InlineData("new", "ready", TransitionKind.ColdToCold, true)]
    [InlineData("ready", "in-progress", TransitionKind.ColdToHot, false)]
    [InlineData("investigating", "planning", TransitionKind.HotToHot, false)]
    [InlineData("in-progress", "completed", TransitionKind.HotToCold, true)]
    public void Kind_ExamplePairs_CommitsOnlyWhenEndingCold(string from, string to, TransitionKind kind, bool commits)
    {
        var t = new Transition(Parse(from), Parse(to));
        Assert.Equal(kind, t.Kind);
        Assert.Equal(commits, t.Commits);
        Assert.Equal($"{from} → {to}", t.ToString());
    }

    [Fact]
    public void Check_HotStateWithColdFallback_UsesEffectiveState()
    {
        Assert.Equal(TransitionVerdict.Allowed, StateMachine.Check(ColdState.Ready, HotState.InProgress, ColdState.Completed).Verdict);
        Assert.Equal(TransitionVerdict.Refused, StateMachine.Check(ColdState.Ready, null, ColdState.Completed).Verdict);
    }

    [Fact]
    public void StateNames_RoundTrip_EveryName()
    {
        foreach (var name in AllNames)
        {
            Assert.Equal(name, Parse(name).ToString());
        }

        Assert.False(StateNames.TryParse("In-Progress", out _));
        Assert.False(StateNames.TryParse("done", out _));
    }
}

public class HotStatesConsistentWithTests
{
    [Theory]
    [InlineData(ColdState.Ready, new[] { HotState.Investigating, HotState.Planning, HotState.InProgress, HotState.UnderReview })]
    [InlineData(ColdState.Planned, new[] { HotState.Investigating, HotState.Planning, HotState.InProgress, HotState.UnderReview })]
    [InlineData(ColdState.Completed, new[] { HotState.UnderReview })]
    [InlineData(ColdState.Broken, new[] { HotState.Investigating, HotState.Planning, HotState.InProgress, HotState.UnderReview })]
    [InlineData(ColdState.Approved, new HotState[0])]
    [InlineData(ColdState.New, new HotState[0])]
    [InlineData(ColdState.Blocked, new HotState[0])]
    public void HotStatesConsistentWith_EachColdState_IsWhatClaimsAndHotStepsReach(ColdState cold, HotState[] expected)
    {
        Assert.Equal(expected.Order(), StateMachine.HotStatesConsistentWith(cold).Order());
    }
}
