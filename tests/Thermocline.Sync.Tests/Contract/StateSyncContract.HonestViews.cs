using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.HotStore.Queueing;
using Thermocline.Sync.Tests.Support;

namespace Thermocline.Sync.Tests.Contract;

public abstract partial class StateSyncContract
{
    [Fact]
    public async Task HeartbeatAsync_PrDeletedFromTaskList_RefusedAsUnknownPr()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-007", "agent-1", HotState.Investigating, Ct)).Lease!;
        h.PersonCommits(SyncTaskList.Build([.. SyncTaskList.Default.Where(p => p.Id != "PR-007")]), "Drop PR-007: no longer needed");

        var e = await RefusedAsync(ErrorKind.NotFound, () => sync.HeartbeatAsync("PR-007", "agent-1", lease, Ct));
        Assert.Contains("PR-007", e.Message, StringComparison.Ordinal);
        await RefusedAsync(ErrorKind.NotFound, () => sync.TransitionAsync("PR-007", HotState.Planning, "agent-1", lease, null, Ct));
    }

    [Fact]
    public async Task HeartbeatAsync_TaskListBroken_LeaseKeptAliveOnTheLastGoodList()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        var lease = (await sync.ClaimAsync("PR-007", "agent-1", HotState.InProgress, Ct)).Lease!;
        h.PersonCommits(BrokenList(), "Reorganise the task list");

        Assert.Equal(HotWriteResult.Applied, await sync.HeartbeatAsync("PR-007", "agent-1", lease, Ct));
    }

    [Fact]
    public async Task ClaimAsync_TaskListBroken_RefusedNotDecidedOnTheLastGoodList()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        h.PersonCommits(BrokenList(), "Reorganise the task list");

        var e = await RefusedAsync(ErrorKind.BadTaskList, () => sync.ClaimAsync("PR-001", "agent-1", HotState.InProgress, Ct));
        Assert.Contains("claims are refused", e.Message, StringComparison.Ordinal);
        Assert.Contains(SyncTaskList.Path, e.Message, StringComparison.Ordinal);
        await RefusedAsync(ErrorKind.BadTaskList, () => sync.TransitionAsync("PR-001", HotState.InProgress, "agent-1", null, null, Ct));
        Assert.False((await h.Hot.GetAsync("PR-001", Ct)).IsHot);
    }

    [Fact]
    public async Task ListAsync_TaskListBroken_EveryStatusSaysStaleUntilFixed()
    {
        var h = await HarnessAsync();
        var sync = await h.StartSyncAsync();
        Assert.DoesNotContain(await sync.ListAsync(Ct), s => s.TaskListStale || s.HotStateUnavailable);
        h.PersonCommits(BrokenList(), "Reorganise the task list");

        var list = await sync.ListAsync(Ct);
        Assert.Equal(SyncTaskList.Default.Select(p => p.Id), list.Select(s => s.Id));
        Assert.All(list, s => Assert.True(s.TaskListStale));
        Assert.All(await sync.ReadyAsync(Ct), s => Assert.True(s.TaskListStale));
        Assert.True((await sync.GetAsync("PR-001", Ct)).TaskListStale);

        h.PersonCommits(SyncTaskList.Build(SyncTaskList.Default), "Fix the task list");
        Assert.DoesNotContain(await sync.ListAsync(Ct), s => s.TaskListStale);
        Assert.False((await sync.GetAsync("PR-001", Ct)).TaskListStale);
    }
}
