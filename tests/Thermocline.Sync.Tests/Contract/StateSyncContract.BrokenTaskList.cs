using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Sync.Events;
using Thermocline.Sync.Tests.Support;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    /// <summary>The default list with a duplicate pr_id and PR-005..PR-007 gone: a PR "disappears" in a file that does not parse.</summary>
    private static string BrokenList() =>
        SyncTaskList.Build([.. SyncTaskList.Default.Take(4), new TestPr("PR-002", "ready")]);

    [Fact]
    public async Task TaskListBrokenWhileRunning_ColdCommitsRefusedReadsKeepLastGoodNothingCleared()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-007", "agent-1", HotState.InProgress, Ct)).Lease!;
        var broken = h.PersonCommits(BrokenList(), "Reorganise the task list");

        // Cold commits are refused, naming the problem.
        var e = await RefusedAsync(ErrorKind.BadTaskList, () => sync.TransitionAsync("PR-007", ColdState.Completed, "agent-1", lease, null, Ct));
        Assert.Contains("PR-002", e.Message, StringComparison.Ordinal);
        Assert.Contains(SyncTaskList.Path, e.Message, StringComparison.Ordinal);
        await RefusedAsync(ErrorKind.BadTaskList, () => sync.TransitionAsync("PR-005", ColdState.Approved, "qc-1", null, null, Ct));
        Assert.Equal(broken, h.Head());
        Assert.NotNull(sync.TaskListProblem);
        Assert.Single(EventsOf(h, SyncEventKind.TaskListBroken));

        // Reads keep the last good state, PR-007 included.
        var list = await sync.ListAsync(Ct);
        Assert.Equal(SyncTaskList.Default.Select(p => p.Id), list.Select(s => s.Id));
        Assert.Equal(HotState.InProgress, list.Single(s => s.Id == "PR-007").HotState);

        // Reconciliation is skipped and clears nothing; display sync writes nothing.
        var report = await sync.ReconcileAsync(dryRun: false, Ct);
        Assert.NotNull(report.Skipped);
        Assert.False(report.Clean);
        Assert.Empty(report.Conflicts);
        Assert.Null(await sync.SyncDisplayAsync(Ct));
        Assert.Equal(broken, h.Head());
        var pr007 = await h.Hot.GetAsync("PR-007", Ct);
        Assert.Equal(HotState.InProgress, pr007.HotState);
        Assert.Equal(ColdState.Planned, pr007.ColdState);
        Assert.Contains("PR-007", await h.Hot.ListKnownPrIdsAsync(Ct));

        // The problem is reported once, not on every read.
        Assert.Single(EventsOf(h, SyncEventKind.TaskListBroken));

        // A fixing commit: everything works again.
        h.PersonCommits(SyncTaskList.Build(SyncTaskList.Default), "Fix the task list");
        var done = await sync.TransitionAsync("PR-007", ColdState.Completed, "agent-1", lease, null, Ct);
        Assert.NotNull(done.Commit);
        Assert.Null(sync.TaskListProblem);
        Assert.Single(EventsOf(h, SyncEventKind.TaskListRepaired));
        Assert.True((await sync.ReconcileAsync(dryRun: false, Ct)).Skipped is null);
    }

    [Fact]
    public async Task StartAsync_TaskListBrokenAtStart_NothingHydratedOrCleared()
    {
        var h = await HarnessAsync();
        var first = await h.StartSyncAsync();
        await first.ClaimAsync("PR-007", "agent-1", HotState.InProgress, Ct);
        first.Dispose();
        h.PersonCommits(BrokenList(), "Break it");

        var second = h.NewSync();
        var report = await second.StartAsync(Ct);

        Assert.True(report.RecoveredFromCrash);
        Assert.NotNull(report.TaskListProblem);
        Assert.Equal(0, report.Prs);
        Assert.Equal(HotState.InProgress, (await h.Hot.GetAsync("PR-007", Ct)).HotState);
        Assert.Contains("PR-007", await h.Hot.ListKnownPrIdsAsync(Ct));
        await RefusedAsync(ErrorKind.BadTaskList, () => second.ListAsync(Ct));
        await RefusedAsync(ErrorKind.BadTaskList, () => second.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct));
    }
}
