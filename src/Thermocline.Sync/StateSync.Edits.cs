using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Sync;

/// <summary>What editing a PR did: the fields changed, the commit, and what the dependency engine made of it.</summary>
/// <param name="PrId">The PR edited.</param>
/// <param name="Commit">The commit that edited it; null when every value was already so (nothing committed).</param>
/// <param name="Changed">The fields that changed (title, priority, dependencies, discovered_from, description); empty for none.</param>
/// <param name="State">Its cold state after the dependency engine ran.</param>
/// <param name="DependencyCommit">The engine's commit, if it made one.</param>
public sealed record EditResult(string PrId, string? Commit, IReadOnlyList<string> Changed, string State, string? DependencyCommit);

public sealed partial class StateSync
{
    /// <summary>
    /// Edits the fields <paramref name="edit"/> names on its PR for <paramref name="agent"/>
    /// (<see cref="Thermocline.ColdStore.GitColdStore.CommitEditAsync"/>: one commit, only those fields' lines changed), under
    /// the PR's lock, checked against the whole list first; tells Redis, and runs the dependency engine (new dependencies may
    /// block the PR, dropped ones lift a block the engine made). Bad input changes nothing; the same values commit nothing.
    /// </summary>
    public async Task<EditResult> EditAsync(PrEdit edit, string agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ValidateIds(edit.Id, agent);
        using (await _locks.AcquireAsync(edit.Id, cancellationToken))
        {
            var list = await ReadGitForCommitAsync(cancellationToken); // a task list that does not parse refuses, as for milestones
            if (list.WithEditedPr(edit).Changed.Count == 0)
            {
                return Unchanged(edit.Id, list);
            }

            var (commit, changed) = await WriteGitAsync(() => _cold.CommitEditAsync(edit, agent, cancellationToken));
            if (!commit.Committed)
            {
                return Unchanged(edit.Id, await ReadGitAsync(cancellationToken)); // the tip it landed on had the values already
            }

            Failpoints.Reach(Failpoints.AfterEditCommit);
            ObserveEdited(edit.Id, agent, changed, commit.Sha);
            try
            {
                if (await ReadGitAsync(cancellationToken) is { } edited && edited.Find(edit.Id) is { } entry)
                {
                    await _hot.HydrateAsync([entry], cancellationToken);
                }
            }
            catch (Domain.Errors.ThermoclineException ex) when (ex.Kind == Domain.Errors.ErrorKind.Unavailable)
            {
                // The commit stands (git has it); Redis catches up at the next reconciliation.
                SyncLog.RepairDeferred(_logger, ex.Message);
            }

            var dependencies = await TryApplyDependenciesAsync($"{edit.Id} edited", cancellationToken);
            var state = (await ReadGitAsync(cancellationToken))?.Find(edit.Id)?.ColdState;
            return new EditResult(edit.Id, commit.Sha, changed, state is { } s ? StateNames.Of(s) : "new", dependencies.Commit);
        }
    }

    private static EditResult Unchanged(string prId, TaskList? list) =>
        new(prId, null, [], list?.Find(prId)?.ColdState is { } s ? StateNames.Of(s) : "new", null);
}
