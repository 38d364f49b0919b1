using Thermocline.ColdStore.Git;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    /// <summary>
    /// Commits one cold transition: the PR's <c>cold_state</c> line at HEAD is rewritten and only the task
    /// list is committed, with the message of SPEC.md. Git must still show the PR at
    /// <see cref="ColdTransition.ExpectedColdState"/>; HEAD moving underneath is re-applied on the new HEAD.
    /// </summary>
    /// <returns>The commit; <see cref="ColdCommit.Committed"/> is false for a same-state no-op.</returns>
    /// <exception cref="ThermoclineException">
    /// <see cref="ErrorKind.Usage"/> for an invalid PR id or agent name; <see cref="ErrorKind.InvalidTransition"/>
    /// when the table forbids it; <see cref="ErrorKind.NotFound"/> for an unknown PR;
    /// <see cref="ErrorKind.BadTaskList"/> when the task list at HEAD has errors;
    /// <see cref="ErrorKind.LeaseConflict"/> when git's cold state moved underneath;
    /// <see cref="ErrorKind.Unavailable"/> when git stays locked or fails. Nothing is committed in any of these.
    /// </exception>
    public Task<ColdCommit> CommitTransitionAsync(ColdTransition transition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transition);
        CommitMessages.Validate(transition.PrId, transition.Agent);
        var check = StateMachine.Check(transition.From, transition.To);
        if (check.Verdict == TransitionVerdict.Refused)
        {
            throw ThermoclineException.InvalidTransition(transition.PrId, check);
        }

        var expected = transition.ExpectedColdState;
        var id = transition.PrId;
        var to = transition.To;
        return CommitAsync(
            (head, headCommit, now) =>
            {
                var list = head.List;
                list.EnsureValid(_options.TaskListPath);
                var pr = list.Find(id) ?? throw ThermoclineException.UnknownPr(id);
                if (check.Verdict == TransitionVerdict.NoOp && pr.ColdState == to)
                {
                    return null;
                }

                if (pr.ColdState != expected)
                {
                    throw MovedUnderneath(id, expected, pr.ColdState, headCommit.Sha);
                }

                return new PlannedEdit(
                    list.WithColdState(id, to),
                    CommitMessages.Transition(transition, now, _options.MaxReasonLength),
                    [new ColdChange(id, expected, to)]);
            },
            waitWhileBusy: true,
            cancellationToken);
    }

    /// <summary>
    /// Adds <paramref name="pr"/> to the task list (<see cref="TaskList.WithAddedPr"/>: a block in the list's format after
    /// the last PR, every other byte kept) in one commit, <c>PR-042: added</c>, by <paramref name="agent"/>. The id is the
    /// given one or the next free one at the tip the commit is made on. A person's uncommitted edit of the file gets the
    /// block too; one that cannot take it (it does not parse, or holds that id) refuses the addition, nothing committed.
    /// </summary>
    /// <returns>The commit and the id the PR got.</returns>
    /// <exception cref="ThermoclineException">
    /// <see cref="ErrorKind.Usage"/> for a bad field or an id already there; <see cref="ErrorKind.BadTaskList"/> when the
    /// list (at HEAD, or with the PR) does not validate: an unknown dependency, a cycle; <see cref="ErrorKind.Unavailable"/>
    /// as for <see cref="CommitTransitionAsync"/>, or when the working copy cannot take the block.
    /// </exception>
    public async Task<(ColdCommit Commit, string PrId)> CommitAdditionAsync(NewPr pr, string agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pr);
        CommitMessages.Validate(pr.Id ?? "PR-000", agent);
        string? id = null;
        var commit = await CommitAsync(
            (head, _, now) =>
            {
                head.List.EnsureValid(_options.TaskListPath);
                var (list, added) = head.List.WithAddedPr(pr);
                id = added;
                return new PlannedEdit(list, CommitMessages.Addition(added, pr.Title, agent, pr.DiscoveredFrom, now), []) { Addition = pr with { Id = added } };
            },
            waitWhileBusy: true,
            cancellationToken);
        return (commit, id!);
    }

    /// <summary>
    /// Edits the fields <paramref name="edit"/> names on its PR (<see cref="TaskList.WithEditedPr"/>: only those fields' lines
    /// change, every other byte kept) in one commit, <c>PR-042: edited</c>, by <paramref name="agent"/>, planned on the tip the
    /// commit is made on. A person's uncommitted edit of the file gets the edit too; one that cannot take it (it does not
    /// parse, lacks the PR, or changed one of those fields itself) refuses the edit, nothing committed.
    /// </summary>
    /// <returns>The commit (<see cref="ColdCommit.Committed"/> false when every value was already so) and the fields changed.</returns>
    /// <exception cref="ThermoclineException">
    /// <see cref="ErrorKind.Usage"/> for a bad field or an edit naming none; <see cref="ErrorKind.NotFound"/> for an unknown
    /// PR; <see cref="ErrorKind.BadTaskList"/> when the list (at HEAD, or with the edit) does not validate: an unknown
    /// dependency, a PR depending on itself, a cycle; <see cref="ErrorKind.Unavailable"/> as for
    /// <see cref="CommitTransitionAsync"/>, or when the working copy cannot take the edit.
    /// </exception>
    public async Task<(ColdCommit Commit, IReadOnlyList<string> Changed)> CommitEditAsync(PrEdit edit, string agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        CommitMessages.Validate(edit.Id, agent);
        IReadOnlyList<string> changed = [];
        var commit = await CommitAsync(
            (head, _, now) =>
            {
                head.List.EnsureValid(_options.TaskListPath);
                var before = head.List.FieldsOf(edit.Id) ?? throw ThermoclineException.UnknownPr(edit.Id);
                var (list, fields) = head.List.WithEditedPr(edit);
                changed = fields;
                return fields.Count == 0
                    ? null
                    : new PlannedEdit(list, CommitMessages.Edit(edit.Id, agent, before, list.FieldsOf(edit.Id)!, fields, now), []) { FieldEdit = (edit, before) };
            },
            waitWhileBusy: true,
            cancellationToken);
        return (commit, changed);
    }

    /// <summary>
    /// Commits the cold-state changes one event causes through dependencies, together, in one commit that
    /// lists them all. All or nothing: if git shows any PR at other than its <see cref="ColdChange.From"/>,
    /// nothing is committed (recompute and retry).
    /// </summary>
    /// <exception cref="ThermoclineException">As for <see cref="CommitTransitionAsync"/>.</exception>
    public Task<ColdCommit> CommitDependencyUpdateAsync(DependencyUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(update.Changes);
        if (update.Changes.Count == 0)
        {
            throw ThermoclineException.Usage("a dependency update needs at least one change.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in update.Changes)
        {
            CommitMessages.Validate(c.PrId, update.Agent);
            if (!seen.Add(c.PrId))
            {
                throw ThermoclineException.Usage($"{c.PrId} appears twice in one dependency update.");
            }

            var check = StateMachine.Check(c.From, c.To);
            if (!check.IsAllowed)
            {
                throw ThermoclineException.InvalidTransition(c.PrId, check);
            }
        }

        var changes = update.Changes.ToList();
        return CommitAsync(
            (head, headCommit, now) =>
            {
                var list = head.List;
                list.EnsureValid(_options.TaskListPath);
                foreach (var c in changes)
                {
                    var pr = list.Find(c.PrId) ?? throw ThermoclineException.UnknownPr(c.PrId);
                    if (pr.ColdState != c.From)
                    {
                        throw MovedUnderneath(c.PrId, c.From, pr.ColdState, headCommit.Sha);
                    }
                }

                return new PlannedEdit(list.WithColdStates(changes.Select(c => (c.PrId, c.To))), CommitMessages.Dependencies(update, now, _options.MaxReasonLength), changes);
            },
            waitWhileBusy: true,
            cancellationToken);
    }

    private static ThermoclineException MovedUnderneath(string prId, ColdState expected, ColdState actual, string sha) =>
        ThermoclineException.LeaseConflict(
            $"{prId}: the cold state moved underneath: git shows {StateNames.Of(actual)} on the branch ({sha[..12]}), " +
            $"but this transition started from {StateNames.Of(expected)}. Nothing was committed; re-read the PR's state and retry.");
}
