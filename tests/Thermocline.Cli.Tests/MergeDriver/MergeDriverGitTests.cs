using System.Text;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;

namespace Thermocline.Cli.Tests.MergeDriver;

/// <summary>
/// The merge driver as git runs it: real repositories, the driver registered by <c>thermo setup --merge-driver</c> (so
/// git runs <c>dotnet thermo.dll merge-driver</c> from this build), hub-style milestone commits (<c>Lease: N</c>) on two
/// branches, then real <c>git merge</c>, <c>git rebase</c>, <c>git cherry-pick</c> and <c>git pull</c>.
/// </summary>
public sealed class MergeDriverGitTests : IAsyncLifetime
{
    private const string Path = TaskList.DefaultPath;
    private const string Intro = "# Tasks\n\nIntro prose.\n\n";
    private static readonly DateTimeOffset When = new(2025, 11, 14, 10, 30, 0, TimeSpan.Zero);

    private readonly TempGitRepository _repo = TempGitRepository.CreateWith(Path, Intro + Block("PR-001") + Block("PR-002") + Block("PR-003"));

    public async Task InitializeAsync()
    {
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--merge-driver", "--repo", _repo.WorkDir)).ExitCode);
        _repo.CommitFiles("Merge the task list by PR block", ".gitattributes");
    }

    public Task DisposeAsync()
    {
        _repo.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Merge_MilestonesOnDifferentPrs_MergesWithoutAConflict()
    {
        Branches(
            ours: () => Milestone("PR-001", HotState.InProgress, ColdState.Completed, lease: 3),
            theirs: () =>
            {
                Milestone("PR-002", HotState.Investigating, ColdState.Planned, lease: 5);
                Add("PR-004", "Found while planning");
            });

        var (code, _, stderr) = _repo.TryGit("merge", "--no-edit", "theirs");

        Assert.True(code == 0, stderr);
        var merged = List();
        Assert.False(merged.HasErrors);
        Assert.Equal(
            [("PR-001", ColdState.Completed), ("PR-002", ColdState.Planned), ("PR-003", ColdState.Ready), ("PR-004", ColdState.New)],
            merged.Prs.Select(p => (p.Id, p.ColdState)));
        Assert.Equal("", _repo.Status());
    }

    [Fact]
    public async Task MergeRebaseCherryPickAndPull_BothMovedOneColdState_TheHigherFenceWinsEveryWay()
    {
        // Ours took PR-002 to completed under lease 4; theirs, under the later lease 7, to planned.
        Branches(
            ours: () => Milestone("PR-002", HotState.InProgress, ColdState.Completed, lease: 4),
            theirs: () => Milestone("PR-002", HotState.Investigating, ColdState.Planned, lease: 7));

        var outcomes = new Dictionary<string, ColdState?>
        {
            ["merge theirs into ours"] = After("ours", "merge", "--no-edit", "theirs"),
            ["merge ours into theirs"] = After("theirs", "merge", "--no-edit", "ours"),
            ["rebase theirs onto ours"] = After("theirs", "rebase", "ours"),
            ["rebase ours onto theirs"] = After("ours", "rebase", "theirs"),
            // Picked onto the higher fence, the pick changes nothing: kept as an empty commit rather than stopping.
            ["cherry-pick theirs onto ours"] = After("ours", "cherry-pick", "--keep-redundant-commits", "theirs"),
            ["cherry-pick ours onto theirs"] = After("theirs", "cherry-pick", "--keep-redundant-commits", "ours"),
        };

        using var clone = await CloneAsync("ours");
        clone.Git("fetch", "-q", "origin");
        outcomes["pull theirs"] = StateAfter(clone, "pull", "--no-rebase", "--no-edit", "origin", "theirs");
        clone.Git("reset", "-q", "--hard", "origin/ours");
        outcomes["pull --rebase theirs"] = StateAfter(clone, "pull", "--rebase", "origin", "theirs");

        Assert.All(outcomes, o => Assert.True(o.Value == ColdState.Planned, $"{o.Key}: {o.Value}"));
    }

    [Fact]
    public void Merge_BothMovedOneColdStateWithoutFences_IsAConflictGitReports()
    {
        Branches(
            ours: () => Commit("PR-002: ready → blocked\n\nA person blocked it by hand.\n", l => l.WithColdState("PR-002", ColdState.Blocked)),
            theirs: () => Commit("PR-002: edited by hand\n", l => l.WithColdState("PR-002", ColdState.Completed)));

        var (code, stdout, stderr) = _repo.TryGit("merge", "--no-edit", "theirs");

        Assert.NotEqual(0, code);
        Assert.Contains("CONFLICT (content): Merge conflict in docs/task-list.md", stdout, StringComparison.Ordinal);
        Assert.Contains("PR-002: cold_state changed on both sides (ours blocked, theirs completed, ancestor ready)", stderr, StringComparison.Ordinal);
        var text = _repo.ReadFile(Path);
        Assert.Contains("<<<<<<< ours\n### PR-002", text, StringComparison.Ordinal);
        Assert.Equal(2, Count(text, "cold_state: ready")); // PR-001 and PR-003; PR-002 only between the markers
    }

    [Fact]
    public async Task Merge_SameFieldChangedBothWays_LeavesMarkersThatValidateExplains()
    {
        Branches(
            ours: () => Commit("PR-002: edited", l => l.WithEditedPr(new PrEdit("PR-002") { Priority = Priority.High }).List),
            theirs: () => Commit("PR-002: edited", l => l.WithEditedPr(new PrEdit("PR-002") { Priority = Priority.Low, Dependencies = ["PR-001"] }).List));

        var (code, _, _) = _repo.TryGit("merge", "--no-edit", "theirs");

        Assert.NotEqual(0, code);
        var validate = await CliRun.RunAsync("validate", _repo.PathOf(Path));
        Assert.Equal(65, validate.ExitCode);
        Assert.Contains("error: PR-002: an unresolved merge conflict (lines ", validate.Error, StringComparison.Ordinal);
        Assert.Contains("delete the three marker lines", validate.Error, StringComparison.Ordinal);
        // Both versions carry the part that merged (theirs' dependency), so choosing either keeps it.
        Assert.Equal(2, Count(_repo.ReadFile(Path), "dependencies: [PR-001]"));
    }

    [Fact]
    public void Merge_WhereAUnionDriverDuplicatesRecords_KeepsEveryIdAndFieldOnce()
    {
        // Adjacent lines of one block changed on both sides, and a PR added at the end on both: git's text merge would
        // stop; merge=union keeps both sides' lines, so PR-002 gets two cold_state and two priority lines.
        void Ours()
        {
            Commit("PR-002: edited", l => l.WithEditedPr(new PrEdit("PR-002") { Priority = Priority.Critical }).List);
            Add("PR-004", "Ours, added");
        }

        void Theirs()
        {
            Milestone("PR-002", HotState.InProgress, ColdState.Completed, lease: 2);
            Add("PR-005", "Theirs, added");
        }

        Branches(Ours, Theirs);
        Assert.Equal(0, _repo.TryGit("merge", "--no-edit", "theirs").ExitCode);

        var merged = List();
        Assert.False(merged.HasErrors, string.Join("\n", merged.Diagnostics));
        foreach (var id in new[] { "PR-001", "PR-002", "PR-003", "PR-004", "PR-005" })
        {
            Assert.Equal(1, Count(merged.Text, $"pr_id: {id}\n"));
        }

        Assert.Equal((ColdState.Completed, Priority.Critical), (merged.Find("PR-002")!.ColdState, merged.Find("PR-002")!.Priority));
        Assert.Equal(5, Count(merged.Text, "cold_state: "));

        // The same histories with merge=union: the failure mode this driver exists to avoid.
        _repo.Git("reset", "-q", "--hard", "HEAD^1");
        _repo.WriteFile(".git/info/attributes", "docs/task-list.md merge=union\n");
        Assert.Equal(0, _repo.TryGit("merge", "--no-edit", "theirs").ExitCode);
        var union = _repo.ReadFile(Path);
        var pr002 = union[union.IndexOf("pr_id: PR-002", StringComparison.Ordinal)..union.IndexOf("### PR-003", StringComparison.Ordinal)];
        Assert.True(Count(pr002, "cold_state: ") == 2, union);
        Assert.True(TaskList.Parse(Encoding.UTF8.GetBytes(union)).HasErrors);
    }

    [Fact]
    public void Merge_BothSidesAddingAndWriting_LosesNoBlockAndNoProseLine()
    {
        Branches(
            ours: () =>
            {
                Add("PR-004", "Ours first");
                Add("PR-006", "Ours second");
                Commit("notes", l => TaskList.Parse(l.Text.Replace("Intro prose.\n", "Intro prose.\nOur note on the intro.\n", StringComparison.Ordinal)));
            },
            theirs: () =>
            {
                Add("PR-005", "Theirs first");
                Milestone("PR-003", HotState.InProgress, ColdState.Completed, lease: 9);
                Commit("phase 2", l => TaskList.Parse(l.Text + "## Phase 2\n\nTheir closing words.\n"));
            });
        var sides = new[] { TaskList.Parse(Encoding.UTF8.GetBytes(_repo.Show("ours", Path))), TaskList.Parse(Encoding.UTF8.GetBytes(_repo.Show("theirs", Path))) };

        Assert.Equal(0, _repo.TryGit("merge", "--no-edit", "theirs").ExitCode);

        var merged = List();
        Assert.False(merged.HasErrors);
        Assert.Equal(["PR-001", "PR-002", "PR-003", "PR-004", "PR-006", "PR-005"], merged.Prs.Select(p => p.Id));
        foreach (var side in sides)
        {
            foreach (var pr in side.Prs.Where(p => p.Id != "PR-003"))
            {
                Assert.Equal(side.BodyOf(pr.Id), merged.BodyOf(pr.Id));
                Assert.Equal(side.FieldsOf(pr.Id), merged.FieldsOf(pr.Id), new FieldsComparer());
            }

            foreach (var line in side.Text.Split('\n').Where(l => l.Length > 0))
            {
                Assert.Contains(line, merged.Text, StringComparison.Ordinal);
            }
        }

        Assert.Equal(ColdState.Completed, merged.Find("PR-003")!.ColdState);
    }

    [Fact]
    public void Merge_ATheirsThatDoesNotParse_FallsBackToGitMergeFileAndSaysSo()
    {
        Branches(
            ours: () => Commit("PR-001: edited", l => l.WithEditedPr(new PrEdit("PR-001") { Priority = Priority.High }).List),
            theirs: () =>
            {
                var text = _repo.ReadFile(Path).Replace("pr_id: PR-003\n", "pr_id: PR-003\ntitle: Fix: broken yaml\n", StringComparison.Ordinal);
                _repo.WriteFile(Path, text);
                _repo.CommitFiles("a person's bad edit", Path);
            });

        var (code, _, stderr) = _repo.TryGit("merge", "--no-edit", "theirs");

        Assert.Contains("not merged by PR block (theirs does not parse as a task list", stderr, StringComparison.Ordinal);
        Assert.Contains("left to git merge-file", stderr, StringComparison.Ordinal);
        Assert.Equal(0, code); // the text merge had no conflict: both edits are in the file
        var text = _repo.ReadFile(Path);
        Assert.Contains("priority: high", text, StringComparison.Ordinal);
        Assert.Contains("title: Fix: broken yaml", text, StringComparison.Ordinal);
    }

    private static string Block(string id) =>
        $"### {id}: Title {id}\n\n---\npr_id: {id}\ntitle: Title {id}\ncold_state: ready\npriority: medium\ndependencies: []\n---\n\nDoes a thing.\n\n";

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private TaskList List() => TaskList.Parse(File.ReadAllBytes(_repo.PathOf(Path)));

    // Branches "ours" and "theirs" from the current commit, each with its commits; ends on "ours".
    private void Branches(Action ours, Action theirs)
    {
        _repo.Git("checkout", "-q", "-b", "theirs");
        theirs();
        _repo.Git("checkout", "-q", "main");
        _repo.Git("checkout", "-q", "-b", "ours");
        ours();
    }

    private ColdState? After(string start, params string[] operation)
    {
        _repo.Git("checkout", "-q", "--detach", start);
        return StateAfter(_repo, operation);
    }

    private static ColdState? StateAfter(TempGitRepository repo, params string[] operation)
    {
        var (code, _, stderr) = repo.TryGit(operation);
        Assert.True(code == 0, $"git {string.Join(' ', operation)}: {stderr}");
        return TaskList.Parse(File.ReadAllBytes(repo.PathOf(Path))).Find("PR-002")?.ColdState;
    }

    // A second clone of the repository, on a branch tracking origin/<branch>, with the driver registered in it too.
    private async Task<TempGitRepository> CloneAsync(string branch)
    {
        var clone = TempGitRepository.Create();
        clone.Git("remote", "add", "origin", _repo.WorkDir);
        clone.Git("fetch", "-q", "origin");
        clone.Git("checkout", "-q", "-b", "work", $"origin/{branch}");
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--merge-driver", "--repo", clone.WorkDir)).ExitCode);
        return clone;
    }

    private void Milestone(string pr, HotState from, ColdState to, long lease)
    {
        var claimedFrom = List().Find(pr)!.ColdState;
        var message = CommitMessages.Transition(new ColdTransition(pr, from, to, "agent-1") { Lease = lease, ClaimedFrom = claimedFrom }, When, 200);
        Commit(message, l => l.WithColdState(pr, to));
    }

    private void Add(string id, string title) =>
        Commit(CommitMessages.Addition(id, title, "agent-1", null, When), l => l.WithAddedPr(new NewPr(id, title, Priority.Medium, [])).List);

    private void Commit(string message, Func<TaskList, TaskList> edit)
    {
        _repo.WriteBytes(Path, edit(List()).ToBytes());
        _repo.CommitFiles(message, Path);
    }

    private sealed class FieldsComparer : IEqualityComparer<PrFields?>
    {
        public bool Equals(PrFields? x, PrFields? y) => x is not null && y is not null && x.Title == y.Title && x.Priority == y.Priority
            && x.Dependencies.SequenceEqual(y.Dependencies) && x.DiscoveredFrom == y.DiscoveredFrom && x.Description == y.Description;

        public int GetHashCode(PrFields? obj) => obj?.Title.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
