using LibGit2Sharp;
using Thermocline.ColdStore.Git;
using Thermocline.Domain.History;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.History;

/// <summary>
/// Reads a branch's history for <see cref="HistoryReplay"/>: commits oldest first (parents before children), each with
/// the blob id of its task list and of its parents' — so a commit that leaves the list alone costs a tree lookup, not a
/// parse — and the task lists themselves, parsed once per blob while they are in use.
/// </summary>
internal sealed class HistoryWalk(Repository repo, string taskListPath)
{
    /// <summary>How often the walk reports progress, in commits.</summary>
    public const int ProgressEvery = 5_000;

    // Oldest first, a commit's parents were walked just before it (a merge's other side may be further back): a few lists
    // are enough to keep, and a list evicted is parsed again when asked.
    private const int ListsKept = 64;

    private readonly Dictionary<string, TaskList> _lists = new(StringComparer.Ordinal);
    private readonly Queue<string> _listOrder = new();
    private readonly Dictionary<ObjectId, string?> _listOfCommit = [];

    /// <summary>The commits reachable from <paramref name="tip"/> and not from <paramref name="exclude"/>, oldest first.</summary>
    public IEnumerable<HistoryCommit> OldestFirst(Commit tip, Commit? exclude, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var filter = new CommitFilter
        {
            IncludeReachableFrom = tip,
            ExcludeReachableFrom = exclude,
            SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse,
        };
        var walked = 0;
        foreach (var commit in repo.Commits.QueryBy(filter))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (++walked % ProgressEvery == 0)
            {
                progress?.Report(walked);
            }

            var parents = commit.Parents.ToList();
            var message = commit.Message;
            yield return new HistoryCommit(
                commit.Sha,
                $"{commit.Author.Name} <{commit.Author.Email}>",
                commit.Committer.When,
                message,
                ListIdOf(commit),
                [.. parents.Select(ListIdOf)])
            {
                ChangedPaths = HistoryReplay.NeedsChangedPaths(message)
                    ? [.. repo.Diff.Compare<TreeChanges>(parents.FirstOrDefault()?.Tree, commit.Tree).Select(c => c.Path)]
                    : null,
            };
        }
    }

    /// <summary>The parsed task list of a blob id (one <see cref="OldestFirst"/> gave).</summary>
    public TaskList ReadList(string blobId)
    {
        if (_lists.TryGetValue(blobId, out var list))
        {
            return list;
        }

        list = TaskListSnapshot.Read(repo.Lookup<Blob>(blobId), Mode.NonExecutableFile).List;
        if (_listOrder.Count >= ListsKept)
        {
            _lists.Remove(_listOrder.Dequeue());
        }

        _lists[blobId] = list;
        _listOrder.Enqueue(blobId);
        return list;
    }

    /// <summary>The blob id of the task list in <paramref name="commit"/>; null when it has none.</summary>
    public string? ListIdOf(Commit commit)
    {
        if (!_listOfCommit.TryGetValue(commit.Id, out var id))
        {
            id = commit[taskListPath] is { TargetType: TreeEntryTargetType.Blob } entry ? entry.Target.Sha : null;
            _listOfCommit[commit.Id] = id;
        }

        return id;
    }
}
