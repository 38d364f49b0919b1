using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Thermocline.ColdStore;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;

namespace Thermocline.Cli.Tests.History;

/// <summary>
/// A real repository whose history the cold store made, as a hub would (fake time: each step a minute later), for the
/// commands that read history from git alone.
/// </summary>
internal sealed class HubHistory : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 11, 14, 10, 0, 0, TimeSpan.Zero);

    private HubHistory(TempGitRepository repo, GitColdStore store, FakeTimeProvider time)
    {
        Repo = repo;
        Store = store;
        Time = time;
    }

    public TempGitRepository Repo { get; }

    public GitColdStore Store { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>Three PRs: PR-001 ready, PR-002 blocked on it, PR-003 ready; the title of PR-003 is hostile.</summary>
    public static string ListText(string title3 = "Store") => string.Concat(
        "# Tasks\n\n",
        Block("PR-001", "Scaffolding", "ready", "high", ""),
        Block("PR-002", "Parser", "blocked", "medium", "PR-001"),
        Block("PR-003", title3, "ready", "low", ""));

    public static async Task<HubHistory> CreateAsync(string? list = null)
    {
        var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, list ?? ListText(), date: Start);
        try
        {
            var time = new FakeTimeProvider(Start.AddMinutes(1));
            var store = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = repo.WorkDir }, time);
            return new HubHistory(repo, store, time);
        }
        catch
        {
            repo.Dispose();
            throw;
        }
    }

    /// <summary>
    /// PR-001 worked and approved (fences 3 then 5), PR-002 unblocked by its dependency, claimed and shown on the display,
    /// then planned (fence 1); PR-003 shown held by agent-3, who never finished it (the display cleared).
    /// </summary>
    public async Task MakeHistoryAsync()
    {
        await Step(s => s.SyncDisplayAsync([new("PR-001", HotState.InProgress, "agent-1", Start.AddMinutes(1))]));
        await Step(s => s.CommitTransitionAsync(new ColdTransition("PR-001", HotState.InProgress, ColdState.Completed, "agent-1") { Lease = 3, ClaimedFrom = ColdState.Ready }));
        await Step(s => s.CommitDependencyUpdateAsync(new DependencyUpdate([new ColdChange("PR-002", ColdState.Blocked, ColdState.Ready)], "hub", "PR-001 → completed")));
        await Step(s => s.SyncDisplayAsync([
            new("PR-002", HotState.Investigating, "agent-2", Start.AddMinutes(4)),
            new("PR-003", HotState.InProgress, "agent-3", Start.AddMinutes(4))]));
        await Step(s => s.CommitTransitionAsync(new ColdTransition("PR-002", HotState.Investigating, ColdState.Planned, "agent-2") { Lease = 1, ClaimedFrom = ColdState.Ready }));
        await Step(s => s.CommitTransitionAsync(new ColdTransition("PR-001", HotState.UnderReview, ColdState.Approved, "qc") { Lease = 5, ClaimedFrom = ColdState.Completed }));
        await Step(s => s.SyncDisplayAsync([]));
    }

    /// <summary>A commit by a person that looks like a hub milestone: a message the hub writes, with this fence.</summary>
    public string CommitByHand(string prId, WorkState from, ColdState to, long lease, string oldValue, string newValue)
    {
        var text = Repo.ReadFile(TaskList.DefaultPath);
        var line = text.IndexOf($"cold_state: {oldValue}\n", text.IndexOf($"pr_id: {prId}\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Repo.WriteFile(TaskList.DefaultPath, string.Concat(text.AsSpan(0, line), $"cold_state: {newValue}\n", text.AsSpan(line + $"cold_state: {oldValue}\n".Length)));
        var message = CommitMessages.Transition(new ColdTransition(prId, from, to, "agent-9") { Lease = lease, ClaimedFrom = ColdState.Planned }, Time.GetUtcNow(), 200);
        return Repo.CommitFiles(message, TaskList.DefaultPath);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Repo.Dispose();
    }

    private async Task Step(Func<GitColdStore, Task> step)
    {
        await step(Store);
        Time.Advance(TimeSpan.FromMinutes(1));
    }

    private static string Block(string id, string title, string state, string priority, string dependency) => string.Create(
        CultureInfo.InvariantCulture,
        $"### {id}: {title}\n\n---\npr_id: {id}\ntitle: \"{title}\"\ncold_state: {state}\npriority: {priority}\ndependencies: [{dependency}]\n---\n\n**Description:** {id}.\n\n");
}
