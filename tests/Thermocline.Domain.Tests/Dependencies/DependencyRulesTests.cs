using Thermocline.Domain.Dependencies;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.Dependencies;

public class DependencyRulesTests
{
    private static TaskList List(params (string Id, string State, string Deps)[] prs) => TaskList.Parse(string.Concat(prs.Select(p =>
        $"### {p.Id}: T\n\n---\npr_id: {p.Id}\ncold_state: {p.State}\npriority: high\ndependencies: [{p.Deps}]\n---\n\n")));

    private static bool EngineBlockedAll(string prId) => true;

    [Fact]
    public void Plan_BlockedWithDependenciesMet_LiftedOnlyWhenTheEngineBlockedIt()
    {
        var list = List(("PR-001", "completed", ""), ("PR-002", "blocked", "PR-001"), ("PR-003", "blocked", "PR-001"), ("PR-004", "blocked", "PR-009"), ("PR-009", "ready", ""));

        var changes = DependencyRules.Plan(list.Prs, id => id == "PR-002");

        Assert.Equal([("PR-002", ColdState.Ready)], changes.Select(c => (c.PrId, c.To)));
        Assert.Equal(["PR-002", "PR-003"], DependencyRules.Liftable(list));
    }

    [Fact]
    public void Plan_NewWithoutDependencies_BecomesReady()
    {
        var change = Assert.Single(DependencyRules.Plan(List(("PR-001", "new", "")).Prs, EngineBlockedAll));
        Assert.Equal(new DependencyChange("PR-001", ColdState.New, ColdState.Ready, "no dependencies"), change);
    }

    [Fact]
    public void Plan_MixedList_AppliesEveryRuleOnce()
    {
        var list = List(
            ("PR-001", "completed", ""),
            ("PR-002", "broken", ""),
            ("PR-003", "new", "PR-001"),
            ("PR-004", "new", "PR-001, PR-002"),
            ("PR-005", "blocked", "PR-001"),
            ("PR-006", "ready", "PR-002"),
            ("PR-007", "planned", "PR-002"),
            ("PR-008", "blocked", "PR-002"),
            ("PR-009", "ready", "PR-001"));
        Assert.False(list.HasErrors, string.Join("\n", list.Diagnostics));

        var changes = DependencyRules.Plan(list.Prs, EngineBlockedAll).Select(c => (c.PrId, c.To)).ToList();

        Assert.Equal(
            [("PR-003", ColdState.Ready), ("PR-004", ColdState.Blocked), ("PR-005", ColdState.Ready), ("PR-006", ColdState.Blocked), ("PR-007", ColdState.Blocked)],
            changes);
    }

    [Fact]
    public void Plan_OverrideOfADependency_UsesTheOverride()
    {
        var list = List(("PR-001", "ready", ""), ("PR-002", "blocked", "PR-001"));
        Assert.Empty(DependencyRules.Plan(list.Prs, EngineBlockedAll));
        var change = Assert.Single(DependencyRules.Plan(list.Prs, EngineBlockedAll, id => id == "PR-001" ? ColdState.Approved : null));
        Assert.Equal(("PR-002", ColdState.Ready), (change.PrId, change.To));
    }

    [Fact]
    public void Plan_EveryChange_IsAnAllowedColdTransition()
    {
        var list = TaskList.Parse(Thermocline.Testing.TaskListGenerator.Generate(300, seed: 7));
        foreach (var c in DependencyRules.Plan(list.Prs, EngineBlockedAll))
        {
            Assert.True(TransitionTable.IsAllowed(c.From, c.To), $"{c.PrId}: {c.From} → {c.To}");
        }
    }
}
