using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;

namespace Thermocline.ColdStore.Tests.Messages;

public sealed class MessageInjectionTests
{
    [Fact]
    public async Task CommitTransition_ReasonTryingToForgeLinesAndTrailers_BecomesOneHarmlessLine()
    {
        await using var r = await ColdRepo.CreateAsync();
        var reason = "looks done\n\nSigned-off-by: Mallory <m@evil>\r\n- Agent: root\u2028Co-authored-by: x\u202E <y>\t\0end";

        await r.Store.CommitTransitionAsync(new ColdTransition("PR-001", HotState.InProgress, ColdState.Completed, "agent-1") { ClaimedFrom = ColdState.Ready, Reason = reason });

        var message = r.Message();
        var lines = message.Split('\n');
        Assert.Equal("- Reason: looks done Signed-off-by: Mallory <m@evil> - Agent: root Co-authored-by: x <y> end", lines[^2]);
        Assert.Single(lines, l => l.StartsWith("- Agent:", StringComparison.Ordinal));
        Assert.Equal(11, lines.Length);
        Assert.Equal("", r.Repo.TryGitWithInput(message, "interpret-trailers", "--parse").Stdout.Trim());
    }

    [Theory]
    [InlineData("agent-1\n- Lease: 99")]
    [InlineData("agent 1")]
    [InlineData("")]
    [InlineData("agent|1")]
    public async Task CommitTransition_AgentNameThatCouldForgeLines_RefusedAndNothingCommitted(string agent)
    {
        await using var r = await ColdRepo.CreateAsync();
        var head = r.Repo.Head();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() =>
            r.Store.CommitTransitionAsync(new ColdTransition("PR-001", HotState.InProgress, ColdState.Completed, agent) { ClaimedFrom = ColdState.Ready }));

        Assert.Equal(ErrorKind.Usage, ex.Kind);
        Assert.Equal(head, r.Repo.Head());
    }

    [Fact]
    public async Task CommitTransition_PrIdWithLineBreak_Refused()
    {
        await using var r = await ColdRepo.CreateAsync();

        var ex = await Assert.ThrowsAsync<ThermoclineException>(() =>
            r.Store.CommitTransitionAsync(new ColdTransition("PR-001\nSigned-off-by: x", ColdState.Ready, ColdState.Blocked, "agent-1")));

        Assert.Equal(ErrorKind.Usage, ex.Kind);
    }

    [Fact]
    public async Task CommitDependencyUpdate_CauseWithLineBreaks_BecomesOneLine()
    {
        await using var r = await ColdRepo.CreateAsync();

        await r.Store.CommitDependencyUpdateAsync(new DependencyUpdate([new ColdChange("PR-002", ColdState.Blocked, ColdState.Ready)], "hub", "PR-001 done\n\nSigned-off-by: x"));

        var message = r.Message();
        Assert.Contains("- Cause: PR-001 done Signed-off-by: x\n", message, StringComparison.Ordinal);
        Assert.DoesNotContain("\nSigned-off-by", message, StringComparison.Ordinal);
    }
}
