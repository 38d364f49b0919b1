using Microsoft.Extensions.Logging;

namespace Thermocline.ColdStore;

/// <summary>Source-generated log messages of the cold store; event ids 3000–3099.</summary>
internal static partial class ColdStoreLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Cold store opened on {WorkDir}, branch {Branch} (task list {TaskListPath}, durable {Durable})")]
    public static partial void Opened(ILogger logger, string workDir, string branch, string taskListPath, bool durable);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Committed {Title} as {Sha} in {ElapsedMs:F1} ms")]
    public static partial void Committed(ILogger logger, string title, string sha, double elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "HEAD moved underneath ({Expected} → {Actual}); re-applying on the new HEAD (attempt {Attempt})")]
    public static partial void HeadMoved(ILogger logger, string expected, string actual, int attempt);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{LockFile} is held by another process; retrying for up to {TimeoutMs} ms")]
    public static partial void LockHeld(ILogger logger, string lockFile, double timeoutMs);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Left the working-tree task list {Path} alone: {Why}")]
    public static partial void WorkingTreeLeftAlone(ILogger logger, string path, string why);


    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Left the index entry of {Path} alone: {Why}")]
    public static partial void IndexLeftAlone(ILogger logger, string path, string why);


    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Display sync skipped: {Why}")]
    public static partial void DisplaySkipped(ILogger logger, string why);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Packed {Count} loose objects in {ElapsedMs:F0} ms")]
    public static partial void Packed(ILogger logger, int count, double elapsedMs);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Packing loose objects failed; will try again later")]
    public static partial void PackFailed(ILogger logger, Exception exception);



    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Durability is off: acknowledged commits may be lost in a power cut")]
    public static partial void NotDurable(ILogger logger);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Removed {LockFile}: this hub's process {Pid} left it when it was killed")]
    public static partial void StaleLockRemoved(ILogger logger, string lockFile, int pid);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning, Message = "The {Where} copy of {Path} was the hub's version {Stale}, left behind by a crash after a commit; brought up to {Head}")]
    public static partial void WorkingCopyRepaired(ILogger logger, string path, string where, string stale, string head);


    [LoggerMessage(EventId = 3017, Level = LogLevel.Information, Message = "Committing to {Branch} by moving the branch only: {Why}; the working copy is the person's")]
    public static partial void RefOnly(ILogger logger, string branch, string why);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Warning, Message = "Waiting to commit: {Why}")]
    public static partial void CheckoutBusy(ILogger logger, string why);

    [LoggerMessage(EventId = 3019, Level = LogLevel.Information, Message = "Applied {Count} owed edits to the working copy of {Path}")]
    public static partial void OwedApplied(ILogger logger, int count, string path);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Committed {Title} again as {Restored}: the branch was moved back past {Dropped} (a reset, or an aborted merge or rebase)")]
    public static partial void MilestoneRestored(ILogger logger, string title, string dropped, string restored);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Debug, Message = "The index entry of {Path} keeps no file stat (git refreshes it on its next status): {Why}")]
    public static partial void IndexStatNotTaken(ILogger logger, string path, string why);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Warning, Message = "{Path} was saved from a copy read before the hub wrote a milestone into it; applying again: {Changes}")]
    public static partial void StaleSave(ILogger logger, string path, string changes);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "The remote {Remote} does not answer: {Why}; milestones are refused until it does, hot work goes on")]
    public static partial void RemoteUnreachable(ILogger logger, string remote, string why);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Information, Message = "The remote {Remote} answers again (it failed with: {Was})")]
    public static partial void RemoteBack(ILogger logger, string remote, string was);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Information, Message = "{Remote} moved since {Tip} (someone pushed; {Why}); fetched, re-applying on its tip (attempt {Attempt})")]
    public static partial void RemoteMoved(ILogger logger, string remote, string tip, string why, int attempt);

    [LoggerMessage(EventId = 3026, Level = LogLevel.Information, Message = "{Why}")]
    public static partial void LocalBranchLags(ILogger logger, string why);

    [LoggerMessage(EventId = 3027, Level = LogLevel.Information, Message = "The remote {Remote} had no branch {Branch}: published it there")]
    public static partial void BranchPublished(ILogger logger, string branch, string remote);

    [LoggerMessage(EventId = 3028, Level = LogLevel.Warning, Message = "Taken over: {Why}; this hub commits nothing to {Remote} until it leads again")]
    public static partial void Deposed(ILogger logger, string remote, string why);
}
