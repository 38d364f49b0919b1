using System.Text;
using System.Text.Json;
using Thermocline.Cli.Hooks;
using Thermocline.Testing;

namespace Thermocline.Cli.Tests.Commands;

/// <summary><c>thermo setup --hooks</c> on real repositories: what it writes and where, chaining a hook that was there, --check and --remove.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SetupHooksTests : IDisposable
{
    private const string TheirHook = "#!/bin/sh\necho \"their hook ran: $*\" >> \"$(git rev-parse --git-dir)/their-hook.log\"\nexit ${THEIR_EXIT:-0}\n";

    private readonly TempGitRepository _repo = TempGitRepository.CreateWith("README.md", "hello\n");

    private string Hooks => Path.Combine(_repo.GitDir, "hooks");

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task SetupHooks_FreshRepository_WritesThreeExecutableMarkedScriptsOnce()
    {
        var first = await CliRun.RunAsync("setup", "--hooks", "--repo", _repo.WorkDir);

        Assert.Equal(0, first.ExitCode);
        foreach (var hook in HookScript.Names)
        {
            var path = Path.Combine(Hooks, hook);
            Assert.Contains($"{hook}: written", first.Out, StringComparison.Ordinal);
            Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(path));
            var script = await File.ReadAllTextAsync(path);
            Assert.StartsWith("#!/bin/sh\n" + HookScript.MarkerPrefix, script, StringComparison.Ordinal);
            Assert.Contains(HookScript.Command(hook), script, StringComparison.Ordinal);
            Assert.Contains(string.Join(' ', ThermoProgram.Self().Select(ThermoProgram.Quote)), script, StringComparison.Ordinal);
            Assert.Equal(0, (await RunShAsync("-n", path)).ExitCode); // valid sh
        }

        Assert.Contains("exec ", await File.ReadAllTextAsync(Path.Combine(Hooks, "pre-push")), StringComparison.Ordinal);
        var bytes = HookScript.Names.Select(h => File.ReadAllBytes(Path.Combine(Hooks, h))).ToList();
        var second = await CliRun.RunAsync("setup", "--hooks", "--repo", _repo.WorkDir, "--json");
        using (var json = JsonDocument.Parse(second.Out))
        {
            Assert.All(json.RootElement.GetProperty("hooks").GetProperty("outcomes").EnumerateArray(), o => Assert.Equal("unchanged", o.GetProperty("action").GetString()));
        }

        Assert.Equal(bytes, HookScript.Names.Select(h => File.ReadAllBytes(Path.Combine(Hooks, h))).ToList());
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--hooks", "--check", "--repo", _repo.WorkDir)).ExitCode);
    }

    [Fact]
    public async Task SetupHooks_TheirHookThere_IsChainedRunFirstAndRemoveRestoresItByteForByte()
    {
        var theirs = Path.Combine(Hooks, "prepare-commit-msg");
        await File.WriteAllTextAsync(theirs, TheirHook);
        File.SetUnixFileMode(theirs, (UnixFileMode)0b111_100_000); // 740: their own mode comes back too
        var original = await File.ReadAllBytesAsync(theirs);

        var setup = await CliRun.RunAsync("setup", "--hooks", "--repo", _repo.WorkDir);

        Assert.Equal(0, setup.ExitCode);
        Assert.Contains("prepare-commit-msg: written (the hook that was there before runs first", setup.Out, StringComparison.Ordinal);
        Assert.Equal(original, await File.ReadAllBytesAsync(theirs + ".thermocline-chained"));
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--hooks", "--check", "--repo", _repo.WorkDir)).ExitCode);

        // Their hook runs first with git's arguments; when it fails, the commit fails with it and thermo is not run.
        _repo.WriteFile("a.txt", "a\n");
        _repo.Git("add", "a.txt");
        var ok = Commit(new() { ["THERMO_LEASE"] = "" }, "-m", "with their hook");
        Assert.True(ok.ExitCode == 0, ok.Error);
        Assert.Contains("their hook ran: .git/COMMIT_EDITMSG message", await File.ReadAllTextAsync(Path.Combine(_repo.GitDir, "their-hook.log")), StringComparison.Ordinal);
        _repo.WriteFile("b.txt", "b\n");
        _repo.Git("add", "b.txt");
        var failed = Commit(new() { ["THEIR_EXIT"] = "3", ["THERMO_LEASE"] = "PR-005:17" }, "-m", "their hook says no");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Equal("with their hook", _repo.Git("log", "-1", "--format=%s").Trim());

        var removed = await CliRun.RunAsync("setup", "--hooks", "--remove", "--repo", _repo.WorkDir);

        Assert.Equal(0, removed.ExitCode);
        Assert.Equal(original, await File.ReadAllBytesAsync(theirs));
        Assert.Equal((UnixFileMode)0b111_100_000, File.GetUnixFileMode(theirs));
        Assert.False(File.Exists(theirs + ".thermocline-chained"));
        Assert.False(File.Exists(Path.Combine(Hooks, "pre-push")));
        Assert.False(File.Exists(Path.Combine(Hooks, "pre-commit")));
        var check = await CliRun.RunAsync("setup", "--hooks", "--check", "--repo", _repo.WorkDir);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("pre-commit is missing; prepare-commit-msg is missing; pre-push is missing; run 'thermo setup --hooks'", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetupHooks_TheirHookAndAChainedOneAlready_RefusesAndChangesNothing()
    {
        await File.WriteAllTextAsync(Path.Combine(Hooks, "pre-push"), TheirHook);
        await File.WriteAllTextAsync(Path.Combine(Hooks, "pre-push.thermocline-chained"), TheirHook);
        var before = Directory.GetFiles(Hooks).Order(StringComparer.Ordinal).ToList();

        var setup = await CliRun.RunAsync("setup", "--hooks", "--repo", _repo.WorkDir);

        Assert.Equal(1, setup.ExitCode);
        Assert.Contains("Nothing was written", setup.Error, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(Hooks).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task SetupHooksCheck_EditedOrAnotherThermo_IsOutdated()
    {
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--hooks", "--repo", _repo.WorkDir)).ExitCode);
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--hooks", "--thermo", "/opt/other/thermo", "--repo", _repo.WorkDir)).ExitCode);
        Assert.Contains("[ -e /opt/other/thermo ] ||", await File.ReadAllTextAsync(Path.Combine(Hooks, "pre-push")), StringComparison.Ordinal);

        var check = await CliRun.RunAsync("setup", "--hooks", "--check", "--repo", _repo.WorkDir);

        Assert.Equal(1, check.ExitCode);
        Assert.Contains("pre-commit is outdated", check.Error, StringComparison.Ordinal);

        // A hook that points at a thermo that is gone says so, instead of a bare 'not found'.
        var gone = await RunShAsync(Path.Combine(Hooks, "pre-push"), "origin", "url");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("cannot run /opt/other/thermo; run 'thermo setup --hooks' again", gone.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetupHooks_CoreHooksPath_WritesThereRelativeToTheTopLevel()
    {
        _repo.Git("config", "core.hooksPath", "tools/hooks");
        Directory.CreateDirectory(_repo.PathOf("src"));

        var setup = await CliRun.RunAsync("setup", "--hooks", "--repo", _repo.PathOf("src"));

        Assert.Equal(0, setup.ExitCode);
        Assert.True(File.Exists(_repo.PathOf("tools/hooks/pre-push")));
        Assert.False(File.Exists(Path.Combine(Hooks, "pre-push")));
    }

    [Fact]
    public async Task SetupHooks_LinkedWorktree_WritesTheSharedHooks()
    {
        var worktree = Path.Combine(_repo.Root, "wt");
        _repo.Git("worktree", "add", "-q", "-b", "pr-005", worktree);

        var setup = await CliRun.RunAsync("setup", "--hooks", "--repo", worktree);

        Assert.Equal(0, setup.ExitCode);
        Assert.True(File.Exists(Path.Combine(Hooks, "prepare-commit-msg")));
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--hooks", "--check", "--repo", _repo.WorkDir)).ExitCode);
    }

    [Fact]
    public async Task SetupHooks_OutsideARepository_ExitsTwoAndWritesNothing()
    {
        using var empty = new TempDirectory();

        var setup = await CliRun.RunAsync("setup", "--hooks", "--repo", empty.Path);

        Assert.Equal(2, setup.ExitCode);
        Assert.Contains("is not inside a git repository", setup.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty.Path));
    }

    [Fact]
    public async Task SetupHooks_WithMergeDriver_IsAUsageError()
    {
        var setup = await CliRun.RunAsync("setup", "--hooks", "--merge-driver", "--repo", _repo.WorkDir);

        Assert.Equal(2, setup.ExitCode);
        Assert.Contains("--hooks sets up the git hooks only", setup.Error, StringComparison.Ordinal);
    }

    private (int ExitCode, string Error) Commit(Dictionary<string, string> env, params string[] args)
    {
        // pre-commit runs 'thermo check-paths', which asks a hub; --no-verify skips it (prepare-commit-msg still runs).
        using var git = _repo.StartGit(env, ["commit", "-q", "--no-verify", .. args]);
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        return (git.ExitCode, error);
    }

    private async Task<(int ExitCode, string Error)> RunShAsync(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = _repo.WorkDir, StandardErrorEncoding = Encoding.UTF8 };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var sh = System.Diagnostics.Process.Start(start)!;
        sh.StandardInput.Close();
        var error = await sh.StandardError.ReadToEndAsync();
        await sh.WaitForExitAsync();
        return (sh.ExitCode, error);
    }
}
