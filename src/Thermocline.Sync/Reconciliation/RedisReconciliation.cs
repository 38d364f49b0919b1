using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore;

namespace Thermocline.Sync.Reconciliation;

/// <summary>
/// Finds every disagreement between Redis and git (see <see cref="ConflictKind"/>) and resolves each with git as the
/// source of truth. Detection reads only; resolution writes only what the conflicts name, so a second
/// reconciliation right after finds nothing.
/// </summary>
public sealed class RedisReconciliation
{
    private readonly RedisHotStore _hot;

    /// <summary>Reconciles the given hot store.</summary>
    public RedisReconciliation(RedisHotStore hot) => _hot = hot;

    /// <summary>Every conflict between <paramref name="git"/> (a task list that parses) and Redis, without changing anything.</summary>
    public async Task<IReadOnlyList<Conflict>> DetectAsync(TaskList git, CancellationToken cancellationToken)
    {
        var ids = git.Prs.Select(p => p.Id).ToList();
        var snapshotsTask = _hot.GetManyAsync(ids, cancellationToken);
        var knownTask = _hot.ListKnownPrIdsAsync(cancellationToken);
        var hotIndexTask = _hot.ListHotIndexAsync(cancellationToken);
        var snapshots = await snapshotsTask;
        var conflicts = new List<Conflict>();
        for (var i = 0; i < git.Prs.Count; i++)
        {
            var pr = git.Prs[i];
            var s = snapshots[i];
            var cold = StateNames.Of(pr.ColdState);
            if (s.ColdState is null)
            {
                conflicts.Add(new Conflict(ConflictKind.ColdStateMissing, pr.Id, null, cold, $"cache {cold} in Redis"));
            }
            else if (s.ColdState != pr.ColdState)
            {
                conflicts.Add(new Conflict(ConflictKind.ColdStateDiffers, pr.Id, StateNames.Of(s.ColdState.Value), cold, $"cache {cold} in Redis"));
            }

            if (s.HotState is { } hot && !StateMachine.HotStatesConsistentWith(pr.ColdState).Contains(hot))
            {
                conflicts.Add(new Conflict(ConflictKind.HotStateContradictsGit, pr.Id, StateNames.Of(hot), cold,
                    $"clear the hot state held by {s.Agent ?? "an unknown agent"}; the PR is at {cold}"));
            }
        }

        var gitIds = ids.ToHashSet(StringComparer.Ordinal);
        foreach (var id in await knownTask)
        {
            if (!gitIds.Contains(id))
            {
                conflicts.Add(new Conflict(ConflictKind.Orphaned, id, "state", null, "clear every key of this PR"));
            }
        }

        var byId = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            byId[ids[i]] = i;
        }

        foreach (var id in await hotIndexTask)
        {
            if (byId.TryGetValue(id, out var i) && !snapshots[i].IsHot)
            {
                conflicts.Add(new Conflict(ConflictKind.HeartbeatExpired, id, "expired", StateNames.Of(git.Prs[i].ColdState),
                    "drop it from the hot index; the PR is back at its cold state"));
            }
        }

        return conflicts;
    }

    /// <summary>Resolves <paramref name="conflicts"/> (from <see cref="DetectAsync"/> of the same <paramref name="git"/>): git wins.</summary>
    public async Task ResolveAsync(TaskList git, IReadOnlyList<Conflict> conflicts, CancellationToken cancellationToken)
    {
        if (conflicts.Count == 0)
        {
            return;
        }

        var writes = new List<Task>();
        var recache = conflicts
            .Where(c => c.Kind is ConflictKind.ColdStateMissing or ConflictKind.ColdStateDiffers)
            .Select(c => git.Find(c.PrId))
            .OfType<PrEntry>()
            .ToList();
        if (recache.Count > 0)
        {
            writes.Add(_hot.HydrateAsync(recache, cancellationToken));
        }

        foreach (var c in conflicts.Where(c => c.Kind == ConflictKind.HotStateContradictsGit))
        {
            writes.Add(_hot.ClearHotAsync(c.PrId, null, git.Find(c.PrId)?.ColdState, cancellationToken));
        }

        if (conflicts.Any(c => c.Kind == ConflictKind.Orphaned))
        {
            writes.Add(_hot.ClearOrphansAsync(git.Prs.Select(p => p.Id).ToHashSet(StringComparer.Ordinal), cancellationToken));
        }

        await Task.WhenAll(writes);

        // After the clears, not beside them: a cleared hot state leaves its id in the hot index (another slot), which
        // the next reconciliation would otherwise report as an expired heartbeat.
        if (conflicts.Any(c => c.Kind is ConflictKind.HeartbeatExpired or ConflictKind.HotStateContradictsGit))
        {
            await _hot.SweepExpiredAsync(cancellationToken);
        }
    }
}
