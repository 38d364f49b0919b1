using System.Diagnostics;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;

namespace Thermocline.Cli.Tests.Commands;

public class InitCommandTests
{
    [Fact]
    public async Task Init_EmptyDirectory_CreatesRepositoryAndCommitsOnlyTheTaskList()
    {
        using var dir = new TempDirectory();

        var run = await CliRun.RunAsync("init", "--repo", dir.Path);

        Assert.Equal(0, run.ExitCode);
        var file = dir.Combine("docs", "task-list.md");
        Assert.Equal(SampleTaskList.Text, await File.ReadAllTextAsync(file));
        Assert.False(TaskList.Parse(await File.ReadAllBytesAsync(file)).HasErrors);
        Assert.Equal("docs/task-list.md", Git(dir.Path, "show", "--name-only", "--format=", "HEAD").Trim());
        Assert.Equal("", Git(dir.Path, "status", "--porcelain"));
    }

    [Fact]
    public async Task Init_RepositoryWithStagedWork_LeavesItStagedAndOutOfTheCommit()
    {
        using var dir = new TempDirectory();
        Git(dir.Path, "init", "-q");
        await File.WriteAllTextAsync(dir.Combine("a.txt"), "first");
        Git(dir.Path, "add", "a.txt");
        Git(dir.Path, "commit", "-qm", "first");
        await File.WriteAllTextAsync(dir.Combine("a.txt"), "staged change");
        Git(dir.Path, "add", "a.txt");

        var run = await CliRun.RunAsync("init", "--repo", dir.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("docs/task-list.md", Git(dir.Path, "show", "--name-only", "--format=", "HEAD").Trim());
        Assert.Equal("M  a.txt\n", Git(dir.Path, "status", "--porcelain"));
        Assert.Equal("2", Git(dir.Path, "rev-list", "--count", "HEAD").Trim());
    }

    [Fact]
    public async Task Init_ExistingTaskList_RefusesAndChangesNothing()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("docs"));
        await File.WriteAllTextAsync(dir.Combine("docs", "task-list.md"), "mine");

        var run = await CliRun.RunAsync("init", "--repo", dir.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("never overwrites", run.Error, StringComparison.Ordinal);
        Assert.Equal("mine", await File.ReadAllTextAsync(dir.Combine("docs", "task-list.md")));
    }

    private static string Git(string repo, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // Isolated from the machine's git configuration.
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["GIT_AUTHOR_NAME"] = psi.Environment["GIT_COMMITTER_NAME"] = "Test";
        psi.Environment["GIT_AUTHOR_EMAIL"] = psi.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)} failed: {error}");
        return output;
    }
}
