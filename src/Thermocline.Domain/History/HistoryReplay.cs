using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.History;

/// <summary>
/// Replays a branch's history, oldest commit first (parents before children), and checks it against SPEC.md: every hub
/// commit describes exactly the cold-state changes its task list shows, each milestone's transition is allowed from the
/// cold state before it, lease fences strictly increase per PR, hub commits change only the task list and never record
/// hot state; cold-state changes made by anyone else are listed as having bypassed the hub. Pure: commits are plain
/// <see cref="HistoryCommit"/>s, task lists come from <paramref name="readList"/> by id.
/// </summary>
/// <param name="readList">The parsed task list of an id (a caller reading git caches these by blob id).</param>
/// <param name="taskListPath">The task list's path in the repository, e.g. <c>docs/task-list.md</c>.</param>
public sealed partial class HistoryReplay(Func<string, TaskList> readList, string taskListPath = TaskList.DefaultPath)
{
    private readonly List<AuditFinding> _findings = [];
    private readonly List<ColdStateChange> _changes = [];
    private readonly List<Milestone> _milestones = [];
    private readonly List<Holding> _holdings = [];
    private readonly Dictionary<string, Holding> _shown = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Fence, string Sha)> _fences = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Sha, string PrId), long> _milestoneFences = [];
    private readonly HashSet<string> _prs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _brokenLists = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastCommitted;

    /// <summary>Commits added so far.</summary>
    public int CommitsExamined { get; private set; }

    /// <summary>
    /// True when the replay needs <see cref="HistoryCommit.ChangedPaths"/> for a commit with this message: the hub's own
    /// commits, and anything that says it is a heartbeat. (Other commits' files are none of the audit's business.)
    /// </summary>
    public static bool NeedsChangedPaths(string message) =>
        MilestoneParser.Classify(message) != CommitKind.Other || MilestoneParser.Title(message).Contains("heartbeat", StringComparison.OrdinalIgnoreCase);

    /// <summary>Replays <paramref name="oldestFirst"/> and returns what it found.</summary>
    public static ReplayedHistory Run(IEnumerable<HistoryCommit> oldestFirst, Func<string, TaskList> readList, string taskListPath = TaskList.DefaultPath)
    {
        ArgumentNullException.ThrowIfNull(oldestFirst);
        var replay = new HistoryReplay(readList, taskListPath);
        foreach (var commit in oldestFirst)
        {
            replay.Add(commit);
        }

        return replay.Finish();
    }

    /// <summary>Replays one more commit; its parents must have been added before it (or lie outside the walk).</summary>
    public void Add(HistoryCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        CommitsExamined++;
        _lastCommitted = commit.Committed;
        var message = commit.Message;
        var title = MilestoneParser.Title(message);
        var kind = MilestoneParser.Classify(message);
        WorkState titleFrom = default, titleTo = default;
        var hotTitle = kind == CommitKind.Transition && MilestoneParser.TryParseTitle(title, out _, out titleFrom, out titleTo) && titleTo.IsHot;
        var onlyTheList = commit.ChangedPaths is [var only] && only == taskListPath;
        if (title.Contains("heartbeat", StringComparison.OrdinalIgnoreCase) && (kind != CommitKind.Other || onlyTheList))
        {
            Find(commit, AuditFindingKind.HeartbeatCommitted, "a heartbeat was committed; heartbeats live in Redis only");
        }
        else if (hotTitle)
        {
            Find(commit, AuditFindingKind.HotTransitionCommitted,
                $"a {(titleFrom.IsHot ? "hot → hot" : "cold → hot")} transition was committed; only transitions ending in a cold state commit");
        }
        else if (kind != CommitKind.Other && commit.ChangedPaths is { } paths && !onlyTheList && !(paths.Count == 0 && kind == CommitKind.Transition))
        {
            Find(commit, AuditFindingKind.HubCommitTouchesOtherFiles, paths.Count == 0
                ? "changes nothing"
                : $"changes {string.Join(", ", paths.Take(5))} (a Thermocline commit changes only {taskListPath})");
        }

        var milestones = kind is CommitKind.Transition or CommitKind.Dependencies
            ? MilestoneParser.Parse(commit.Sha, message, commit.Committed).ToList()
            : [];
        _milestones.AddRange(milestones);
        var parents = commit.ParentTaskListIds;
        var firstParent = parents.Count > 0 ? parents[0] : null;
        // A list that is a parent's changed nothing here (a merge that took one side's list changed nothing new). A hub
        // commit that records milestones still needs a look: a hot → cold milestone back to the cold state the claim started
        // from (planned → investigating → planned) changes no byte, and the hub commits it, empty, to record it and its lease.
        if ((commit.TaskListId == firstParent && milestones.Count == 0) || (parents.Count > 1 && parents.Contains(commit.TaskListId)))
        {
            return;
        }

        var after = Read(commit, commit.TaskListId);
        var before = firstParent is null ? null : readList(firstParent);
        if (parents.Count > 1)
        {
            ReplayMerge(commit, after, parents);
            return;
        }

        var diff = Diff(before, after);
        if (hotTitle || before is null)
        {
            // A commit that creates the list (the hub's first dependency commit may) has no cold state before it to judge.
            Record(commit, diff, null);
            return;
        }

        switch (kind)
        {
            case CommitKind.Transition:
                CheckTransition(commit, milestones, diff, before);
                break;
            case CommitKind.Dependencies:
                CheckDependencies(commit, milestones, diff);
                break;
            case CommitKind.DisplaySync:
                CheckDisplaySync(commit, diff, before, after);
                break;
            case CommitKind.Addition or CommitKind.Edit:
                CheckNoColdChange(commit, diff, kind == CommitKind.Addition ? "an addition" : "an edit", allowAdded: kind == CommitKind.Addition);
                break;
            default:
                foreach (var d in diff.Where(d => d.From is not null && d.To is not null))
                {
                    Bypassed(commit, d, "a commit that is not the hub's");
                }

                break;
        }

        Record(commit, diff, milestones);
    }

    /// <summary>What the replay found; the holdings still displayed at the last commit stay open.</summary>
    public ReplayedHistory Finish() => new(
        new AuditReport(CommitsExamined, _milestones.Count, _prs.Count, [.. _findings]),
        [.. _changes],
        [.. _milestones],
        [.. _holdings.Select(h => h.ToRecord())],
        _lastCommitted);

    // A merge changes a PR only where its result matches no parent: a change that came from one side was replayed at its
    // own commit on that side.
    private void ReplayMerge(HistoryCommit commit, TaskList? after, IReadOnlyList<string?> parents)
    {
        if (after is null)
        {
            return;
        }

        var lists = parents.Select(p => p is null ? null : readList(p)).ToList();
        var diff = new List<Delta>();
        foreach (var pr in after.Prs)
        {
            var sides = lists.Select(l => l?.Find(pr.Id)).Where(p => p is not null).ToList();
            if (sides.Count == 0)
            {
                diff.Add(new Delta(pr.Id, null, pr.ColdState));
            }
            else if (sides.All(s => s!.ColdState != pr.ColdState))
            {
                var delta = new Delta(pr.Id, lists[0]?.Find(pr.Id)?.ColdState ?? sides[0]!.ColdState, pr.ColdState);
                diff.Add(delta);
                Bypassed(commit, delta, "a merge whose result matches neither parent");
            }
        }

        Record(commit, diff, []);
    }

    private TaskList? Read(HistoryCommit commit, string? id)
    {
        if (id is null)
        {
            return null;
        }

        var list = readList(id);
        if (list.HasErrors && _brokenLists.Add(id))
        {
            var first = list.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
            Find(commit, AuditFindingKind.BrokenTaskList, $"the task list does not parse here ({first.Format(taskListPath)}); its unreadable PRs are skipped", first.PrId, FindingSeverity.Warning);
        }

        return list;
    }

    // The cold-state differences from one list to the next: changed, added (From null) and removed (To null) PRs.
    private static List<Delta> Diff(TaskList? before, TaskList? after)
    {
        var diff = new List<Delta>();
        foreach (var pr in after?.Prs ?? [])
        {
            var was = before?.Find(pr.Id);
            if (was is null || was.ColdState != pr.ColdState)
            {
                diff.Add(new Delta(pr.Id, was?.ColdState, pr.ColdState));
            }
        }

        foreach (var pr in before?.Prs ?? [])
        {
            if (after?.Find(pr.Id) is null)
            {
                diff.Add(new Delta(pr.Id, pr.ColdState, null));
            }
        }

        return diff;
    }

    private void Record(HistoryCommit commit, List<Delta> diff, List<Milestone>? milestones)
    {
        foreach (var d in diff)
        {
            if (d.From is null)
            {
                _prs.Add(d.Pr);
            }

            var milestone = milestones?.FirstOrDefault(m => m.PrId == d.Pr && m.To == d.To);
            _changes.Add(new ColdStateChange(commit.Sha, d.Pr, d.From, d.To, milestone?.Timestamp ?? commit.Committed, milestone));
        }

        foreach (var m in milestones ?? [])
        {
            if (m.From.IsHot && _shown.TryGetValue(m.PrId, out var holding))
            {
                holding.EndedWithMilestone = true;
            }
        }
    }

    private void Bypassed(HistoryCommit commit, Delta d, string who) => _findings.Add(new AuditFinding(
        commit.Sha,
        AuditFindingKind.BypassedHub,
        FindingSeverity.Warning,
        $"{d.Pr}: {Name(d.From)} → {Name(d.To)} by {who} ({commit.Author}), not through the hub")
    {
        Title = MilestoneParser.Title(commit.Message),
        PrId = d.Pr,
        Author = commit.Author,
        From = Name(d.From),
        To = Name(d.To),
    });

    private void Find(HistoryCommit commit, AuditFindingKind kind, string problem, string? prId = null, FindingSeverity severity = FindingSeverity.Violation, string? otherSha = null) =>
        _findings.Add(new AuditFinding(commit.Sha, kind, severity, problem)
        {
            Title = MilestoneParser.Title(commit.Message),
            PrId = prId,
            Author = commit.Author,
            OtherSha = otherSha,
        });

    private static string Name(ColdState? state) => state is { } s ? StateNames.Of(s) : "(absent)";

    /// <summary>One PR's cold state before and after a commit (null: absent).</summary>
    private readonly record struct Delta(string Pr, ColdState? From, ColdState? To);

    /// <summary>A holding being followed through display syncs.</summary>
    private sealed class Holding(HotWorkItem item, string firstShown)
    {
        public HotWorkItem Item { get; } = item;

        public string? EndedAt { get; set; }

        public bool EndedWithMilestone { get; set; }

        public DisplayedHolding ToRecord() => new(Item.PrId, Item.Agent, Item.State, Item.Since, firstShown, EndedAt, EndedWithMilestone);
    }
}
