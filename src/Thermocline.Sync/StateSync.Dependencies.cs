using Thermocline.Domain.Commits;
using Thermocline.Domain.Dependencies;
using Thermocline.Domain.States;

namespace Thermocline.Sync;

public sealed partial class StateSync
{
    /// <summary>The dependency changes one event caused: their commit (null when none) and the changes as text.</summary>
    private readonly record struct DependencyOutcome(string? Commit, IReadOnlyList<string> Changes)
    {
        public static readonly DependencyOutcome None = new(null, []);
    }

    /// <summary>
    /// Applies the dependency engine to git's task list: the changes it calls for go into one commit that lists them
    /// all, then into Redis. Serialized, so two milestones never plan from the same HEAD.
    /// </summary>
    private async Task<DependencyOutcome> ApplyDependenciesAsync(string cause, CancellationToken cancellationToken)
    {
        await _dependencyGate.WaitAsync(cancellationToken);
        try
        {
            var list = await _cold.ReadTaskListAsync(cancellationToken);
            if (!Observe(list))
            {
                return DependencyOutcome.None;
            }

            var blockedByEngine = await _cold.FindBlockedByDependenciesAsync(DependencyRules.Liftable(list), cancellationToken);
            var changes = DependencyRules.Plan(list.Prs, blockedByEngine.Contains);
            if (changes.Count == 0)
            {
                return DependencyOutcome.None;
            }

            var committing = _time.GetTimestamp();
            var commit = await WriteGitAsync(() => _cold.CommitDependencyUpdateAsync(
                new DependencyUpdate(changes.Select(c => new ColdChange(c.PrId, c.From, c.To)).ToList(), _options.HubAgent, cause),
                cancellationToken));
            Failpoints.Reach(Failpoints.AfterDependencyCommit);
            var described = changes.Select(c => $"{c.PrId}: {StateNames.Of(c.From)} → {StateNames.Of(c.To)}").ToList();
            ObserveDependencyCommit(cause, changes, described, commit.Sha, _time.GetElapsedTime(committing));
            try
            {
                await Task.WhenAll(changes.Select(c => CacheDependencyChangeAsync(c.PrId, c.To, cancellationToken)));
            }
            catch (Exception ex) when (ex is Domain.Errors.ThermoclineException or TimeoutException)
            {
                ObserveRedisCatchUp(ex, string.Join(",", changes.Select(c => c.PrId)), commit.Sha);
            }

            return new DependencyOutcome(commit.Sha, described);
        }
        finally
        {
            _dependencyGate.Release();
        }
    }

    // The new cold state goes into Redis; a hot state it no longer allows (work on a PR that a broken dependency just
    // blocked) is cleared at once, as reconciliation would: git wins, and nobody works on a blocked PR unawares.
    private async Task CacheDependencyChangeAsync(string prId, ColdState to, CancellationToken cancellationToken)
    {
        var snapshot = await _hot.GetAsync(prId, cancellationToken);
        if (snapshot.HotState is { } hot && !StateMachine.HotStatesConsistentWith(to).Contains(hot))
        {
            await _hot.ClearHotAsync(prId, null, to, cancellationToken);
            await _hot.ForgetIfNotHotAsync(prId, cancellationToken);
            _claims.TryRemove(prId, out _);
            ObserveHotWorkCleared(prId, hot, to, snapshot.Agent, snapshot.Fence);
            return;
        }

        await _hot.SetColdStateAsync(prId, to, cancellationToken);
    }

    // After a milestone: its commit stands even if the dependency commit fails; reconciliation runs the engine again.
    private async Task<DependencyOutcome> TryApplyDependenciesAsync(string cause, CancellationToken cancellationToken)
    {
        try
        {
            return await ApplyDependenciesAsync(cause, cancellationToken);
        }
        catch (Domain.Errors.ThermoclineException ex)
        {
            ObserveFailure(_logger, ex, $"dependency engine after {cause}", $"dependency changes after {cause} were not committed: {ex.Message}");
            return DependencyOutcome.None;
        }
    }
}
