using LibGit2Sharp;
using Thermocline.ColdStore.Git;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.History;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.History;

/// <summary>
/// A repository's history read from git alone, without a hub (<c>thermo audit</c>, <c>thermo status --at</c>,
/// <c>thermo stats</c>). Only reads: nothing here writes to the repository.
/// </summary>
public sealed class GitHistory : IDisposable
{
    private readonly Repository _repo;
    private readonly string _taskListPath;
    private readonly Commit? _tip;

    private GitHistory(Repository repo, string branch, Commit? tip, string taskListPath)
    {
        _repo = repo;
        Branch = branch;
        _tip = tip;
        _taskListPath = taskListPath;
    }

    /// <summary>The branch walked.</summary>
    public string Branch { get; }

    /// <summary>The commit at the tip of <see cref="Branch"/>.</summary>
    public string TipSha => Tip.Sha;

    private Commit Tip => _tip ?? throw ThermoclineException.Usage($"{Branch} names no commit.");

    /// <summary>
    /// Opens the repository that holds <paramref name="directory"/> (default: the current directory) on
    /// <paramref name="branch"/> (default: the one checked out). A directory outside every repository, an unknown branch,
    /// a detached HEAD with no branch named, or a branch with no commit is a usage error — unless
    /// <paramref name="requireBranch"/> is false (only revisions will be read): then a detached HEAD is fine.
    /// </summary>
    public static GitHistory Open(string? directory, string? branch, string taskListPath = TaskList.DefaultPath, bool requireBranch = true)
    {
        var dir = Path.GetFullPath(directory ?? Directory.GetCurrentDirectory());
        if (!Directory.Exists(dir))
        {
            throw ThermoclineException.Usage($"{dir} does not exist.");
        }

        if (Repository.Discover(dir) is not { } gitDir)
        {
            throw ThermoclineException.Usage($"{dir} is not inside a git repository; pass one with --repo DIR.");
        }

        Repository repo;
        try
        {
            repo = new Repository(gitDir);
        }
        catch (LibGit2SharpException ex)
        {
            throw ThermoclineException.Unavailable($"git could not open {gitDir} ({ex.Message}).", ex);
        }

        try
        {
            var (name, tip) = !requireBranch && branch is null && (repo.Info.IsHeadDetached || repo.Head.Tip is null)
                ? ("HEAD", repo.Head.Tip)
                : ResolveBranch(repo, branch);
            return new GitHistory(repo, name, tip, taskListPath);
        }
        catch
        {
            repo.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replays the branch's history oldest first (<see cref="HistoryReplay"/>): the audit's findings and what statistics
    /// are made of. With <paramref name="since"/>, only the commits after that revision.
    /// </summary>
    public Task<ReplayedHistory> ReplayAsync(string? since, IProgress<int>? progress, CancellationToken cancellationToken) => ReadAsync(
        ct =>
        {
            var exclude = since is null ? null : ResolveCommit(since);
            var walk = new HistoryWalk(_repo, _taskListPath);
            var replay = new HistoryReplay(walk.ReadList, _taskListPath);
            var sawList = false;
            foreach (var commit in walk.OldestFirst(Tip, exclude, progress, ct))
            {
                sawList |= commit.TaskListId is not null;
                replay.Add(commit);
            }

            if (!sawList && since is null)
            {
                throw ThermoclineException.Usage($"no commit on {Branch} holds {_taskListPath}: nothing to replay (is this the right repository?).");
            }

            return replay.Finish();
        },
        cancellationToken);

    /// <summary>
    /// The board at <paramref name="revision"/>: its task list and what its display section showed. A revision that names
    /// no commit, or a commit without the task list, is a usage error; a list there that does not parse is a bad task list.
    /// </summary>
    public Task<BoardAtRevision> ReadBoardAsync(string revision, CancellationToken cancellationToken) => ReadAsync(
        _ =>
        {
            var commit = ResolveCommit(revision);
            if (commit[_taskListPath] is not { TargetType: TreeEntryTargetType.Blob } entry)
            {
                throw ThermoclineException.Usage($"{revision} ({commit.Sha[..10]}) has no {_taskListPath}.");
            }

            var list = TaskListSnapshot.Read((Blob)entry.Target, entry.Mode).List;
            if (list.HasErrors)
            {
                throw ThermoclineException.BadTaskList(
                    $"{_taskListPath} at {revision} ({commit.Sha[..10]}) has errors:{Environment.NewLine}{list.DescribeErrors($"{revision}:{_taskListPath}")}");
            }

            return new BoardAtRevision(commit.Sha, MilestoneParser.Title(commit.Message), commit.Committer.When, list, DisplayedHotWork.Parse(list.HotStateDisplayBody));
        },
        cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _repo.Dispose();

    private static (string Name, Commit Tip) ResolveBranch(Repository repo, string? branch)
    {
        if (branch is null)
        {
            if (repo.Info.IsHeadDetached)
            {
                throw ThermoclineException.Usage("HEAD is detached: name the branch to read with --branch BRANCH.");
            }

            return (repo.Head.FriendlyName, repo.Head.Tip ?? throw ThermoclineException.Usage($"branch {repo.Head.FriendlyName} has no commits yet."));
        }

        if (branch.Length == 0 || branch.StartsWith('-') || !Reference.IsValidName("refs/heads/" + branch))
        {
            throw ThermoclineException.Usage($"'{branch}' is not a valid branch name.");
        }

        var found = repo.Branches[branch] ?? throw ThermoclineException.Usage($"there is no branch '{branch}' in {repo.Info.WorkingDirectory ?? repo.Info.Path}.");
        return (found.FriendlyName, found.Tip ?? throw ThermoclineException.Usage($"branch {branch} has no commits yet."));
    }

    private Commit ResolveCommit(string revision)
    {
        if (revision.Length is 0 or > 256 || revision.StartsWith('-') || revision.Any(char.IsControl))
        {
            throw ThermoclineException.Usage($"'{revision}' is not a revision (a commit id, branch, tag or e.g. HEAD~3).");
        }

        try
        {
            // A tag names its commit; a tree or blob names none.
            return _repo.Lookup(revision)?.Peel<Commit>() ?? throw ThermoclineException.Usage($"'{revision}' does not name a commit in this repository.");
        }
        catch (LibGit2SharpException ex) when (ex is InvalidSpecificationException or AmbiguousSpecificationException or NotFoundException)
        {
            throw ThermoclineException.Usage($"'{revision}' does not name a commit in this repository ({ex.Message}).");
        }
    }

    // LibGit2Sharp calls block; they run off the caller's thread. Git failing to read is "unavailable" (exit 69).
    private static async Task<T> ReadAsync<T>(Func<CancellationToken, T> read, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.Run(() => read(cancellationToken), cancellationToken);
        }
        catch (LibGit2SharpException ex)
        {
            throw ThermoclineException.Unavailable($"git could not read history ({ex.Message}).", ex);
        }
    }
}
