using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    [Fact]
    public async Task EditAsync_ReadyPrMadeToDependOnABrokenOne_IsBlocked_AndDroppingItLiftsTheBlockAgain()
    {
        var h = await HarnessAsync(SyncTaskList.Build(
            new TestPr("PR-001", "broken"),
            new TestPr("PR-002", "ready"),
            new TestPr("PR-003", "completed")));
        var sync = await h.StartSyncAsync();
        var commits = h.CommitCount();

        var blocked = await sync.EditAsync(new PrEdit("PR-002") { AddDependencies = ["PR-001"], Priority = Priority.Critical }, "agent-1", Ct);

        Assert.Equal(["priority", "dependencies"], blocked.Changed);
        Assert.Equal(("blocked", h.Head()), (blocked.State, blocked.DependencyCommit));
        Assert.Equal(blocked.Commit, h.Repo.Git("rev-parse", "HEAD~1").Trim());
        Assert.Equal(["[Dependencies] Update 1 PR after PR-002 edited", "PR-002: edited"], h.Titles().Take(2));
        Assert.Equal(commits + 2, h.CommitCount());
        Assert.Equal(ColdState.Blocked, (await h.Hot.GetAsync("PR-002", Ct)).ColdState);
        Assert.Equal(["PR-001"], await h.Hot.GetDependenciesAsync("PR-002", Ct));
        var edited = Assert.Single(EventsOf(h, SyncEventKind.Edited));
        Assert.Equal(("PR-002", "agent-1", blocked.Commit), (edited.PrId, edited.Agent, edited.Commit));

        var lifted = await sync.EditAsync(new PrEdit("PR-002") { Dependencies = ["PR-003"] }, "agent-1", Ct);

        Assert.Equal("ready", lifted.State);
        Assert.Equal(["dependencies"], lifted.Changed);
        Assert.StartsWith("[Dependencies] Update 1 PR after PR-002 edited", h.Message(), StringComparison.Ordinal);
        Assert.Contains("- PR-002: blocked → ready\n", h.Message(), StringComparison.Ordinal);
        Assert.Equal(ColdState.Ready, (await h.Hot.GetAsync("PR-002", Ct)).ColdState);
        Assert.Equal(["PR-003"], await h.Hot.GetDependenciesAsync("PR-002", Ct));
        Assert.Contains("PR-002", (await sync.ReadyAsync(Ct)).Select(s => s.Id));
        Assert.True((await sync.ReconcileAsync(dryRun: true, Ct)).Clean);
    }

    [Fact]
    public async Task EditAsync_BadInputOrTheSameValues_NothingCommitted()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var head = h.Head();
        var text = h.HeadTaskList();
        var title = TaskList.Parse(text).Find("PR-002")!.Title;

        await RefusedAsync(ErrorKind.NotFound, () => sync.EditAsync(new PrEdit("PR-404") { Title = "X" }, "agent-1", Ct));
        await RefusedAsync(ErrorKind.BadTaskList, () => sync.EditAsync(new PrEdit("PR-001") { AddDependencies = ["PR-002"] }, "agent-1", Ct));
        await RefusedAsync(ErrorKind.BadTaskList, () => sync.EditAsync(new PrEdit("PR-001") { Dependencies = ["PR-001"] }, "agent-1", Ct));
        await RefusedAsync(ErrorKind.Usage, () => sync.EditAsync(new PrEdit("PR-001") { Title = "bell \u0007" }, "agent-1", Ct));
        await RefusedAsync(ErrorKind.Usage, () => sync.EditAsync(new PrEdit("PR-001"), "agent-1", Ct));
        var same = await sync.EditAsync(new PrEdit("PR-002") { Title = title }, "agent-1", Ct);

        Assert.Equal((null, 0), (same.Commit, same.Changed.Count));
        Assert.Equal(head, h.Head());
        Assert.Equal(text, h.HeadTaskList());
        Assert.Empty(EventsOf(h, SyncEventKind.Edited));
    }
}
