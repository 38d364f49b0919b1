using System.Text;
using System.Text.RegularExpressions;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.Soak;

/// <summary>
/// A person working in the hub's repository with plain git while agents work through the hub: commits by hand, pulls
/// from a second clone with conflicts, merges a topic branch, rebases onto the clone, discards edits with a reset,
/// switches branch and back. Never touches a <c>cold_state:</c> line — whatever the hub acknowledged must survive all of
/// it. Resolves conflicts hunk by hunk, as a careful person does (never "take theirs" for the whole file). Each of its
/// commits carries a unique title, to be found in history afterwards.
/// </summary>
internal sealed partial class ScriptedPerson(TempGitRepository repo, string clone, string taskListPath, int prs, Random random)
{
    private int _edits;

    /// <summary>Titles of the commits the person (or the clone) made that must end up on the branch.</summary>
    public List<string> Commits { get; } = [];

    /// <summary>Actions done, by name.</summary>
    public Dictionary<string, int> Done { get; } = [];

    /// <summary>One random action of the person's.</summary>
    public async Task ActAsync(CancellationToken cancellationToken)
    {
        var actions = new (string Name, Func<Task> Run)[]
        {
            ("commit", CommitByHandAsync),
            ("pull-conflict", PullWithConflictAsync),
            ("merge-topic", MergeTopicAsync),
            ("pull-rebase", PullRebaseAsync),
            ("reset", ResetAsync),
            ("switch-and-back", SwitchAndBackAsync),
        };
        var (name, run) = actions[random.Next(actions.Length)];
        cancellationToken.ThrowIfCancellationRequested();

        // A person reads what git said before typing the next command.
        await Task.Delay(random.Next(200, 800), cancellationToken);
        await run();
        Done[name] = Done.GetValueOrDefault(name) + 1;
    }

    private async Task CommitByHandAsync()
    {
        await EditDescriptionAsync(repo.WorkDir, "by hand");
        await CommitAsync(repo.WorkDir, $"Person: hand edit {++_edits}");
    }

    // The clone and the person edit the same description line; the pull stops on the conflict and is resolved hunk by hunk.
    private async Task PullWithConflictAsync()
    {
        await GitAsync(clone, "pull", "-q", "--no-rebase", "origin", "main");
        var pr = random.Next(1, prs + 1);
        await EditDescriptionAsync(clone, "from the clone", pr);
        await CommitAsync(clone, $"Clone: edit {++_edits}");
        await EditDescriptionAsync(repo.WorkDir, "here", pr);
        await CommitAsync(repo.WorkDir, $"Person: conflicting edit {_edits}");
        var pull = await PullAsync("--no-rebase", "--no-edit");
        if (pull.Code != 0)
        {
            Assert.True(File.Exists(Path.Combine(repo.GitDir, "MERGE_HEAD")), $"the pull failed without stopping on a conflict: {pull.Error}");
            await ResolveHunksAsync(repo.WorkDir);
            await GitAsync(repo.WorkDir, "add", taskListPath);
            await GitAsync(repo.WorkDir, "commit", "-q", "--no-edit");
        }
    }

    private async Task MergeTopicAsync()
    {
        var topic = $"topic-{++_edits}";
        await GitAsync(repo.WorkDir, "switch", "-q", "-c", topic);
        await File.AppendAllTextAsync(Path.Combine(repo.WorkDir, "notes.txt"), $"topic work {_edits}\n");
        await GitAsync(repo.WorkDir, "add", "notes.txt");
        await CommitAsync(repo.WorkDir, $"Person: topic {_edits}");
        await GitAsync(repo.WorkDir, "switch", "-q", "main");
        var merge = await MergeAsync(() => TryGitAsync(repo.WorkDir, "merge", "-q", "--no-ff", "--no-edit", topic));
        Assert.True(merge.Code == 0, $"git merge {topic} failed: {merge.Error}");
    }

    // git merge (and the merge of a pull) writes the index, releases its lock, then moves HEAD expecting the old tip: a
    // hub commit landing in between makes git give up at the very end ("cannot lock ref 'HEAD': is at … but expected
    // …"). HEAD is the hub's commit, which has everything: the person concludes the merge as git suggests (see
    // ConcludeOrAbortAsync) or starts over from it.
    private async Task<(int Code, string Error)> MergeAsync(Func<Task<(int Code, string Error)>> merge)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await merge();
            var raced = result.Error.Contains("cannot lock ref 'HEAD'", StringComparison.Ordinal)
                || result.Error.Contains("Unable to write index", StringComparison.Ordinal); // the hub held index.lock just then
            if (result.Code == 0 || attempt >= 10 || !raced)
            {
                return result;
            }

            MergesRaced++;
            if (File.Exists(Path.Combine(repo.GitDir, "MERGE_HEAD")) && await ConcludeOrAbortAsync(result.Error))
            {
                return (0, "");
            }

            await ResetHardAsync();
        }
    }

    // git merge reads the index first and writes it at the end: a hub commit landing in between leaves MERGE_HEAD, an index
    // without the milestone and a working tree with it (HEAD is the hub's commit). git's own hint is "All conflicts fixed
    // but you are still merging (use "git commit" to conclude merge)", and half the time the person takes it: that commit
    // undoes the milestone, and the hub must commit it again. Otherwise they abort; "git merge --abort" then refuses
    // ("Entry '…' not uptodate. Cannot merge"), and "git reset --hard" (HEAD has everything) is what is left.
    private async Task<bool> ConcludeOrAbortAsync(string raced)
    {
        if (random.Next(2) == 0 && (await TryGitAsync(repo.WorkDir, "commit", "-q", "--no-edit")).Code == 0)
        {
            MergesConcluded++;
            return true;
        }

        var abort = await TryGitAsync(repo.WorkDir, "merge", "--abort");
        if (abort.Code != 0)
        {
            var status = await TryGitAsync(repo.WorkDir, "status");
            Assert.True(abort.Error.Contains("not uptodate", StringComparison.Ordinal), $"git merge --abort failed: {abort.Error}\nthe merge said: {raced}\n{status.Error}");
            AbortsRefused++;
        }

        return false;
    }

    /// <summary>How often a rebase could not move the branch at its end because a hub commit landed as it started.</summary>
    public int RebasesRaced { get; private set; }

    /// <summary>How often a merge that raced a hub commit was concluded with "git commit", as git suggests.</summary>
    public int MergesConcluded { get; private set; }

    /// <summary>How often "git merge --abort" refused after a merge that raced a hub commit.</summary>
    public int AbortsRefused { get; private set; }

    /// <summary>How often a person's commit, merge or reset gave up at its last step because a hub commit landed meanwhile.</summary>
    public int MergesRaced { get; private set; }

    private async Task PullRebaseAsync()
    {
        await GitAsync(clone, "pull", "-q", "--no-rebase", "origin", "main");
        await EditDescriptionAsync(clone, "upstream");
        await CommitAsync(clone, $"Clone: upstream edit {++_edits}");
        await EditDescriptionAsync(repo.WorkDir, "local");
        await CommitAsync(repo.WorkDir, $"Person: local edit {_edits}");
        var rebase = await PullAsync("--rebase");
        var first = rebase.Error;
        for (var step = 0; rebase.Code != 0 && step < 20; step++)
        {
            if (rebase.Error.Contains("cannot lock ref 'refs/heads/", StringComparison.Ordinal))
            {
                // The rebase read the branch when it started and a hub commit landed before it looked for a rebase in
                // progress: its last step cannot move the branch ("is at … but expected …"), now or ever. The person
                // aborts — git puts the branch back where the rebase found it, and the hub commits again what that
                // drops — and pulls again.
                RebasesRaced++;
                await TryGitAsync(repo.WorkDir, "rebase", "--abort");
                rebase = await PullAsync("--rebase");
                continue;
            }

            await ResolveHunksAsync(repo.WorkDir);
            await GitAsync(repo.WorkDir, "add", taskListPath);
            rebase = await TryGitAsync(repo.WorkDir, "-c", "core.editor=true", "rebase", "--continue");
        }

        Assert.True(rebase.Code == 0, $"the rebase did not finish: {rebase.Error}\n--- the pull said: {first}");
    }

    // A pull that stopped before merging anything (it raced a hub commit: "fetch updated the current branch head", a
    // lock, a failed autostash) is simply run again; one that stopped on a conflict is for the caller to resolve.
    private async Task<(int Code, string Error)> PullAsync(params string[] how)
    {
        for (var attempt = 0; ; attempt++)
        {
            var pull = await MergeAsync(() => TryGitAsync(repo.WorkDir, ["pull", "-q", .. how, clone, "main"]));
            var stopped = File.Exists(Path.Combine(repo.GitDir, "MERGE_HEAD")) || Directory.Exists(Path.Combine(repo.GitDir, "rebase-merge"))
                || Directory.Exists(Path.Combine(repo.GitDir, "rebase-apply"));
            if (pull.Code == 0 || stopped || attempt >= 20)
            {
                return pull;
            }

            RetriedPulls.Add(pull.Error.Trim().Split('\n')[^1]);
            await Task.Delay(50 + random.Next(100));
        }
    }

    /// <summary>How often git found the hub's previous version in the working copy (a checkout racing a hub commit).</summary>
    public int StaleCopiesSeen { get; private set; }

    /// <summary>The last line of each pull that stopped before merging and was run again.</summary>
    public List<string> RetriedPulls { get; } = [];

    private async Task ResetAsync()
    {
        await EditDescriptionAsync(repo.WorkDir, "abandoned");
        await File.AppendAllTextAsync(Path.Combine(repo.WorkDir, "notes.txt"), "abandoned\n");
        await ResetHardAsync();
    }

    // git reset --hard reads HEAD, rewrites the copies, then sets HEAD expecting what it read: a hub commit landing in
    // between makes it give up at the ref ("cannot lock ref 'HEAD'") instead of moving the branch back over the
    // milestone. The person runs it again.
    private async Task ResetHardAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var reset = await TryGitAsync(repo.WorkDir, "reset", "-q", "--hard");
            if (reset.Code == 0)
            {
                return;
            }

            Assert.True(attempt < 10 && reset.Error.Contains("cannot lock ref 'HEAD'", StringComparison.Ordinal), $"git reset --hard failed: {reset.Error}");
            MergesRaced++;
        }
    }

    private async Task SwitchAndBackAsync()
    {
        var side = $"side-{++_edits}";
        await GitAsync(repo.WorkDir, "switch", "-q", "-c", side);
        await File.AppendAllTextAsync(Path.Combine(repo.WorkDir, "side.txt"), $"side work {_edits}\n");
        await GitAsync(repo.WorkDir, "add", "side.txt");
        await GitAsync(repo.WorkDir, "commit", "-q", "-m", $"Side work {_edits}");
        await Task.Delay(random.Next(50, 400));
        await GitAsync(repo.WorkDir, "switch", "-q", "main");
    }

    // Rewrites one PR's description line (never its cold_state) in the given checkout.
    private async Task EditDescriptionAsync(string workDir, string how, int? pr = null)
    {
        var id = $"PR-{pr ?? random.Next(1, prs + 1):D3}";
        var path = Path.Combine(workDir, taskListPath);
        var text = await File.ReadAllTextAsync(path);
        var edited = DescriptionLine(id).Replace(text, $"**Description:** {id} edited {how} ({Guid.NewGuid():N})", 1);
        Assert.NotEqual(text, edited);
        await File.WriteAllTextAsync(path, edited, new UTF8Encoding(false));
    }

    private static Regex DescriptionLine(string id) => new($@"\*\*Description:\*\* {id} [^\n]*", RegexOptions.None, TimeSpan.FromSeconds(1));

    // git commit reads HEAD before it takes the index lock: a hub commit landing in between makes it give up at the ref
    // update ("cannot lock ref 'HEAD'"), with the index untouched; the person commits again.
    private async Task CommitAsync(string workDir, string title)
    {
        for (var attempt = 0; ; attempt++)
        {
            var commit = await TryGitAsync(workDir, "commit", "-q", "-a", "-m", title);
            if (commit.Code == 0)
            {
                break;
            }

            Assert.True(attempt < 10 && commit.Error.Contains("cannot lock ref 'HEAD'", StringComparison.Ordinal), $"git commit -a in {workDir} failed: {commit.Error}");
            MergesRaced++;
        }

        Commits.Add(title);
    }

    // Keeps the incoming side of every conflict block: the lines in conflict are description lines only. A person takes
    // a moment to read the conflict, and the hub refuses milestones meanwhile.
    private async Task ResolveHunksAsync(string workDir)
    {
        await Task.Delay(random.Next(300, 1500));
        var path = Path.Combine(workDir, taskListPath);
        var lines = (await File.ReadAllTextAsync(path)).Split('\n');
        var result = new List<string>();
        var side = 0; // 0 outside, 1 ours, 2 theirs
        foreach (var line in lines)
        {
            if (line.StartsWith("<<<<<<< ", StringComparison.Ordinal))
            {
                side = 1;
            }
            else if (line.StartsWith("=======", StringComparison.Ordinal) && side == 1)
            {
                side = 2;
            }
            else if (line.StartsWith(">>>>>>> ", StringComparison.Ordinal) && side == 2)
            {
                side = 0;
            }
            else if (side != 1)
            {
                Assert.False(side == 2 && line.StartsWith("cold_state:", StringComparison.Ordinal), "a cold_state line was in conflict");
                result.Add(line);
            }
        }

        await File.WriteAllTextAsync(path, string.Join('\n', result), new UTF8Encoding(false));
    }

    private async Task GitAsync(string workDir, params string[] args)
    {
        var run = await TryGitAsync(workDir, args);
        Assert.True(run.Code == 0, $"git {string.Join(' ', args)} in {workDir} failed: {run.Error}");
    }

    /// <summary>
    /// Runs git as the person. While the hub holds the index lock for a commit (a few ms) git refuses at once, and a
    /// <c>git pull</c> whose fetch saw the hub's commit land stops ("fetch updated the current branch head"); nothing is
    /// lost either way, and the person simply runs the command again — as people do.
    /// </summary>
    private async Task<(int Code, string Error)> TryGitAsync(string workDir, params string[] args)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var p = repo.StartGit(new Dictionary<string, string> { ["GIT_DIR"] = Path.Combine(workDir, ".git"), ["GIT_WORK_TREE"] = workDir }, args);
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            var error = (await stderr) + stdout;
            // A switch that raced a hub commit to the branch leaves the hub's previous version in the working copy until the
            // watcher repairs it (a fraction of a second); git then refuses to merge over "local changes" — the person looks
            // again a moment later and finds none.
            var stale = error.Contains("would be overwritten by", StringComparison.Ordinal)
                || error.Contains("stash failed", StringComparison.Ordinal); // git merge saving what it took for local changes
            if (p.ExitCode == 0 || attempt >= 50
                || !(stale || error.Contains(".lock", StringComparison.Ordinal) || error.Contains("fetch updated the current branch head", StringComparison.Ordinal)))
            {
                return (p.ExitCode, error);
            }

            if (stale)
            {
                StaleCopiesSeen++;
            }

            await Task.Delay(stale ? 300 : 20 + random.Next(30));
        }
    }
}
