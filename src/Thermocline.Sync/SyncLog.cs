using Microsoft.Extensions.Logging;

namespace Thermocline.Sync;

/// <summary>The state sync's log messages, source-generated, with stable event ids (6000–6099).</summary>
internal static partial class SyncLog
{
    [LoggerMessage(6000, LogLevel.Information, "Started in {Duration} ms: {Prs} PRs hydrated, crash recovery {Recovered}, {Conflicts} conflicts resolved, {DependencyChanges} dependency changes")]
    public static partial void Started(ILogger logger, long duration, int prs, bool recovered, int conflicts, int dependencyChanges);

    [LoggerMessage(6015, LogLevel.Information, "Start-up: {Step} in {Elapsed} ms")]
    public static partial void StartupStep(ILogger logger, string step, long elapsed);

    [LoggerMessage(6001, LogLevel.Warning, "The last hub did not stop cleanly (or Redis was empty): rebuilding Redis from git")]
    public static partial void RecoveringFromCrash(ILogger logger);

    [LoggerMessage(6002, LogLevel.Information, "{PrId}: {From} → {To} by {Agent}")]
    public static partial void Transition(ILogger logger, string prId, string from, string to, string agent);

    [LoggerMessage(6003, LogLevel.Warning, "{PrId}: committed to git as {Sha}, but updating Redis failed; reconciliation will catch up")]
    public static partial void RedisCatchUp(ILogger logger, Exception exception, string prId, string sha);

    [LoggerMessage(6004, LogLevel.Information, "Dependency changes after {Cause}: {Changes}")]
    public static partial void DependencyChanges(ILogger logger, string cause, string changes);

    [LoggerMessage(6005, LogLevel.Warning, "Conflict {Kind} on {PrId}: Redis {Redis}, git {Git}; {Resolution}")]
    public static partial void Conflict(ILogger logger, string kind, string prId, string? redis, string? git, string resolution);

    [LoggerMessage(6006, LogLevel.Error, "The task list at HEAD does not parse; cold commits are refused and no state is cleared until it does:\n{Problems}")]
    public static partial void TaskListBroken(ILogger logger, string problems);

    [LoggerMessage(6007, LogLevel.Information, "The task list at HEAD parses again")]
    public static partial void TaskListRepaired(ILogger logger);

    [LoggerMessage(6008, LogLevel.Information, "Display sync: {Outcome} ({Prs} hot PRs) in {Duration} ms")]
    public static partial void DisplaySync(ILogger logger, string outcome, int prs, long duration);

    [LoggerMessage(6009, LogLevel.Information, "Swept {Count} expired hot states: {PrIds}")]
    public static partial void Swept(ILogger logger, int count, string prIds);

    [LoggerMessage(6010, LogLevel.Error, "{Cycle} failed; it runs again at its next tick")]
    public static partial void CycleFailed(ILogger logger, Exception exception, string cycle);

    [LoggerMessage(6011, LogLevel.Information, "Stopped cleanly")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(6012, LogLevel.Warning, "Clean shutdown could not finish: {Step}")]
    public static partial void ShutdownStepFailed(ILogger logger, Exception exception, string step);

    [LoggerMessage(6013, LogLevel.Warning, "Redis lost its data while the hub ran (FLUSHALL, or a restart without persistence): rebuilding it from git as after a crash")]
    public static partial void RedisLostData(ILogger logger);

    [LoggerMessage(6014, LogLevel.Debug, "Working-copy repair deferred: {Why}")]
    public static partial void RepairDeferred(ILogger logger, string why);

    [LoggerMessage(6016, LogLevel.Information, "{PrId}: released by {Agent} (lease {Fence})")]
    public static partial void Released(ILogger logger, string prId, string agent, long fence);

    [LoggerMessage(6022, LogLevel.Warning, "{PrId}: the stuck lease {Fence} of {Holder} ({HotState}) was ended by {Person}: {Reason}")]
    public static partial void ReleasedStuck(ILogger logger, string prId, long fence, string holder, string hotState, string person, string reason);

    [LoggerMessage(6017, LogLevel.Information, "{PrId}: added by {Agent} in {Sha}")]
    public static partial void Added(ILogger logger, string prId, string agent, string sha);

    [LoggerMessage(6021, LogLevel.Information, "{PrId}: edited by {Agent} in {Sha} ({Fields})")]
    public static partial void Edited(ILogger logger, string prId, string agent, string sha, string fields);

    [LoggerMessage(6018, LogLevel.Information, "Hydrated Redis with {Prs} PRs from git in {Duration} ms")]
    public static partial void Hydrated(ILogger logger, int prs, long duration);

    [LoggerMessage(6019, LogLevel.Warning, "Started in {Duration} ms without a task list: the one at HEAD does not parse")]
    public static partial void StartedWithoutTaskList(ILogger logger, long duration);

    [LoggerMessage(6020, LogLevel.Information, "{Branch} moved in git ({Previous} → {Current})")]
    public static partial void GitChanged(ILogger logger, string branch, string previous, string current);

    [LoggerMessage(6040, LogLevel.Warning, "Took the lead of the hub group (leader fence {Fence}): fetching the remote and recovering as after a crash")]
    public static partial void TookLead(ILogger logger, long fence);

    [LoggerMessage(6041, LogLevel.Information, "Active: serving writes as the group's leader (fence {Fence}) after {Duration} ms of takeover")]
    public static partial void Leading(ILogger logger, long fence, long duration);

    [LoggerMessage(6042, LogLevel.Warning, "Standing by: {Why}")]
    public static partial void SteppedDown(ILogger logger, string why);

    [LoggerMessage(6043, LogLevel.Information, "Standing by: the active hub is {Active}")]
    public static partial void StandingBy(ILogger logger, string active);
}
