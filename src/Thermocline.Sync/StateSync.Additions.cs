using Thermocline.Domain.TaskLists;

namespace Thermocline.Sync;

/// <summary>What adding a PR did: its id, the commit, and what the dependency engine made of it.</summary>
/// <param name="PrId">The id it got.</param>
/// <param name="Commit">The commit that added it.</param>
/// <param name="State">Its cold state after the dependency engine ran: ready, or blocked on its dependencies.</param>
/// <param name="DependencyCommit">The engine's commit, if it made one.</param>
public sealed record AddResult(string PrId, string Commit, string State, string? DependencyCommit);

public sealed partial class StateSync
{
    /// <summary>
    /// Adds a PR to the task list for <paramref name="agent"/> (<see cref="Thermocline.ColdStore.GitColdStore.CommitAdditionAsync"/>: one
    /// commit, every other byte of the file kept), tells Redis, and runs the dependency engine, which takes it from
    /// <c>new</c> to <c>ready</c> or <c>blocked</c>. Bad input changes nothing.
    /// </summary>
    public async Task<AddResult> AddAsync(NewPr pr, string agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pr);
        ValidateAgent(agent);
        await ReadGitForCommitAsync(cancellationToken); // a task list that does not parse refuses, as for milestones
        var (commit, id) = await WriteGitAsync(() => _cold.CommitAdditionAsync(pr, agent, cancellationToken));
        Failpoints.Reach(Failpoints.AfterAdditionCommit);
        ObserveAdded(id, agent, pr.Title, commit.Sha);
        try
        {
            if (await ReadGitAsync(cancellationToken) is { } list && list.Find(id) is { } entry)
            {
                await _hot.HydrateAsync([entry], cancellationToken);
            }
        }
        catch (Domain.Errors.ThermoclineException ex) when (ex.Kind == Domain.Errors.ErrorKind.Unavailable)
        {
            // The commit stands (git has it); Redis catches up at the next reconciliation.
            SyncLog.RepairDeferred(_logger, ex.Message);
        }

        var dependencies = await TryApplyDependenciesAsync($"{id} added", cancellationToken);
        var state = (await ReadGitAsync(cancellationToken))?.Find(id)?.ColdState;
        return new AddResult(id, commit.Sha, state is { } s ? Domain.States.StateNames.Of(s) : "new", dependencies.Commit);
    }
}
