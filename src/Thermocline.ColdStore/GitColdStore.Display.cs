using Thermocline.ColdStore.Git;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore;

public sealed partial class GitColdStore
{
    /// <summary>
    /// Writes the "Active work" display for people to see hot work in git, as a <c>[Display Sync]</c> commit
    /// listing the PRs shown. Commits only when the display's content changed (its timestamp aside), never
    /// within <see cref="ColdStoreOptions.DisplayQuietPeriod"/> of a cold commit, and renders the section
    /// empty ("no PR is being worked on") when nothing is hot, so it never goes stale.
    /// </summary>
    /// <exception cref="ThermoclineException">
    /// <see cref="ErrorKind.Usage"/> for an item with an invalid PR id or agent name; otherwise as for
    /// <see cref="CommitTransitionAsync"/>.
    /// </exception>
    public async Task<DisplaySyncResult> SyncDisplayAsync(IReadOnlyList<HotWorkItem> hotWork, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hotWork);
        foreach (var item in hotWork)
        {
            // The display is a markdown table: an id or name with '|' or a line break would forge rows.
            CommitMessages.Validate(item.PrId, item.Agent);
        }

        var shown = hotWork.Select(i => i.PrId).Order(StringComparer.Ordinal).ToList();
        if (InQuietPeriod(_lastColdCommitAt))
        {
            ColdStoreLog.DisplaySkipped(_logger, "a cold commit was made within the quiet period");
            return new DisplaySyncResult(DisplaySyncOutcome.SkippedRecentColdCommit, null, shown);
        }

        if (InspectCheckout() is { Mode: CopyMode.Busy, Why: var busy })
        {
            ColdStoreLog.DisplaySkipped(_logger, busy!);
            return new DisplaySyncResult(DisplaySyncOutcome.SkippedCheckoutBusy, null, shown);
        }

        DisplaySyncOutcome? skipped = null;
        var commit = await CommitAsync(
            (head, headCommit, now) =>
            {
                if (MilestoneParser.Classify(headCommit.Message) is CommitKind.Transition or CommitKind.Dependencies
                    && InQuietPeriod(headCommit.Committer.When))
                {
                    skipped = DisplaySyncOutcome.SkippedRecentColdCommit;
                    return null;
                }

                var list = head.List;
                list.EnsureValid(_options.TaskListPath);
                var body = HotStateDisplay.Render(hotWork, now);
                var current = list.HotStateDisplayBody;
                if ((current is null && hotWork.Count == 0) || HotStateDisplay.SameContent(current, body))
                {
                    skipped = DisplaySyncOutcome.SkippedUnchanged;
                    return null;
                }

                return new PlannedEdit(list.WithHotStateDisplay(body), CommitMessages.DisplaySync(hotWork), [], body);
            },
            waitWhileBusy: false,
            cancellationToken);
        if (skipped is { } why)
        {
            ColdStoreLog.DisplaySkipped(_logger, why == DisplaySyncOutcome.SkippedUnchanged ? "the display did not change" : "HEAD is a cold commit within the quiet period");
            return new DisplaySyncResult(why, null, shown);
        }

        return new DisplaySyncResult(DisplaySyncOutcome.Committed, commit, shown);
    }

    private bool InQuietPeriod(DateTimeOffset? coldCommitAt) =>
        coldCommitAt is { } at && _time.GetUtcNow() - at < _options.DisplayQuietPeriod;
}
