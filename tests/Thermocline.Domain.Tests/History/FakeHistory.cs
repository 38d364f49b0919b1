using System.Globalization;
using Thermocline.Domain.Commits;
using Thermocline.Domain.History;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.History;

/// <summary>
/// Commits as plain records for <see cref="HistoryReplay"/>: a task list's id is its text (equal content, equal id), so
/// the replay's reader is just <see cref="TaskList.Parse(string, bool)"/>. Commits are added oldest first.
/// </summary>
internal sealed class FakeHistory
{
    public const string Person = "A Person <person@example.com>";
    public const string Hub = "Thermocline <hub@thermocline.local>";

    public static readonly DateTimeOffset Start = new(2025, 11, 14, 10, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, string> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskList> _parsed = new(StringComparer.Ordinal);
    private string? _head;

    public List<HistoryCommit> Commits { get; } = [];

    /// <summary>A list of PRs in these cold states, in this order; a display body when given.</summary>
    public static string List(IEnumerable<(string Id, string State)> prs, string? display = null)
    {
        var text = "# Tasks\n\n" + string.Concat(prs.Select(p =>
            $"### {p.Id}: Item {p.Id}\n\n---\npr_id: {p.Id}\ntitle: Item {p.Id}\ncold_state: {p.State}\npriority: medium\ndependencies: []\n---\n\n"));
        return display is null ? text : text + $"{HotStateDisplay.StartMarker}\n{display}{HotStateDisplay.EndMarker}\n";
    }

    public static string List(params (string Id, string State)[] prs) => List(prs, null);

    /// <summary>A commit on top of the last one (or of <paramref name="parents"/>), holding <paramref name="list"/>.</summary>
    public string Commit(string message, string? list, string author = Person, IReadOnlyList<string>? parents = null, IReadOnlyList<string>? changedPaths = null)
    {
        var sha = (Commits.Count + 1).ToString("x40", CultureInfo.InvariantCulture);
        var parentShas = parents ?? (_head is null ? [] : [_head]);
        Commits.Add(new HistoryCommit(sha, author, Start.AddMinutes(Commits.Count), message, list, [.. parentShas.Select(p => _lists.GetValueOrDefault(p))])
        {
            ChangedPaths = changedPaths ?? (HistoryReplay.NeedsChangedPaths(message) ? [TaskList.DefaultPath] : null),
        });
        if (list is not null)
        {
            _lists[sha] = list;
        }

        _head = sha;
        return sha;
    }

    /// <summary>A hub milestone commit, message as the hub writes it.</summary>
    public string Milestone(string list, string prId, WorkState from, ColdState to, long? lease, string? restores = null)
    {
        var message = CommitMessages.Transition(
            new ColdTransition(prId, from, to, "agent-1") { Lease = lease, ClaimedFrom = from.IsCold ? null : ColdState.Ready },
            Start.AddMinutes(Commits.Count),
            200);
        return Commit(restores is null ? message : message + $"\nRestored: {restores} was dropped; committed again.\n", list, Hub);
    }

    /// <summary>A hub dependency commit listing these changes.</summary>
    public string Dependencies(string list, params ColdChange[] changes) =>
        Commit(CommitMessages.Dependencies(new DependencyUpdate(changes, "hub", "start-up"), Start.AddMinutes(Commits.Count), 100), list, Hub);

    /// <summary>A hub display sync showing these rows.</summary>
    public string DisplaySync(IEnumerable<(string Id, string State)> prs, params HotWorkItem[] rows) =>
        Commit(CommitMessages.DisplaySync(rows), List(prs, HotStateDisplay.Render(rows, Start.AddMinutes(Commits.Count))), Hub);

    public ReplayedHistory Replay() => HistoryReplay.Run(Commits, id => _parsed.TryGetValue(id, out var l) ? l : _parsed[id] = TaskList.Parse(id));
}
