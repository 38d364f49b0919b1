using LibGit2Sharp;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Cli.Init;

/// <summary>What <c>thermo init</c> did.</summary>
/// <param name="Repository">The repository's working directory.</param>
/// <param name="TaskList">The task list written, relative to the repository.</param>
/// <param name="Commit">The commit that added it.</param>
/// <param name="CreatedRepository">True when the repository was created.</param>
internal sealed record InitResult(string Repository, string TaskList, string Commit, bool CreatedRepository);

/// <summary>
/// Creates (or reuses) a git repository and commits a sample task list — only that file: the commit is
/// built from HEAD's tree plus the new file, so anything a person has staged stays staged and out of it.
/// </summary>
internal static class RepositoryInitializer
{
    public static async Task<InitResult> InitializeAsync(string directory, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory);
        var created = false;
        if (Repository.Discover(root) is not { } gitDir || !SameDirectory(new Repository(gitDir).Info.WorkingDirectory, root))
        {
            Directory.CreateDirectory(root);
            Repository.Init(root);
            created = true;
        }

        var file = Path.Combine(root, TaskList.DefaultPath);
        if (File.Exists(file))
        {
            throw ThermoclineException.Usage(
                $"{file} already exists; init never overwrites a task list. Check it with 'thermo validate {file}', or move it away first.");
        }

        using var repo = new Repository(root);
        if (repo.Info.IsHeadDetached)
        {
            throw ThermoclineException.Usage($"HEAD is detached in {root}; check out a branch first (git switch main).");
        }

        if (repo.Head.Tip?.Tree[TaskList.DefaultPath] is not null)
        {
            throw ThermoclineException.Usage(
                $"{TaskList.DefaultPath} is committed in {root} but missing from the working tree; restore it with 'git checkout -- {TaskList.DefaultPath}'.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, SampleTaskList.Text, cancellationToken);

        var blob = repo.ObjectDatabase.CreateBlob(file);
        var tree = repo.Head.Tip is { } tip ? TreeDefinition.From(tip.Tree) : new TreeDefinition();
        tree.Add(TaskList.DefaultPath, blob, Mode.NonExecutableFile);
        var signature = Signature(repo);
        var commit = repo.ObjectDatabase.CreateCommit(
            signature,
            signature,
            "Add task list (thermo init)\n\nA sample docs/task-list.md for the Thermocline hub.\n",
            repo.ObjectDatabase.CreateTree(tree),
            repo.Head.Tip is { } parent ? [parent] : [],
            prettifyMessage: false);
        if (repo.Head.Tip is null)
        {
            repo.Refs.Add(repo.Refs.Head.TargetIdentifier, commit.Id, "thermo init: add task list");
        }
        else
        {
            repo.Refs.UpdateTarget(repo.Refs[repo.Head.CanonicalName], commit.Id, "thermo init: add task list");
        }

        // Only this path is staged, so 'git status' is clean for it; other staged changes are left alone.
        repo.Index.Add(TaskList.DefaultPath);
        repo.Index.Write();
        return new InitResult(root, TaskList.DefaultPath, commit.Sha, created);
    }

    private static LibGit2Sharp.Signature Signature(Repository repo)
    {
        var now = TimeProvider.System.GetLocalNow();
        return repo.Config.BuildSignature(now) ?? new LibGit2Sharp.Signature("Thermocline", "thermocline@localhost", now);
    }

    private static bool SameDirectory(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);
}
