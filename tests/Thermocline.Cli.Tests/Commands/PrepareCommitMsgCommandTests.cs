using Thermocline.Testing;

namespace Thermocline.Cli.Tests.Commands;

/// <summary>The prepare-commit-msg hook as git runs it: real commits in a real repository with the hooks installed.</summary>
public sealed class PrepareCommitMsgCommandTests : IAsyncLifetime
{
    private const string Id = "0f3a9c2b4d5e6f708192a3b4c5d6e7f8";

    private readonly TempGitRepository _repo = TempGitRepository.CreateWith("README.md", "hello\n");

    public async Task InitializeAsync() => Assert.Equal(0, (await CliRun.RunAsync("setup", "--hooks", "--repo", _repo.WorkDir)).ExitCode);

    public Task DisposeAsync()
    {
        _repo.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Commit_WithThermoLease_CarriesThePrAndFenceButNeverTheLeaseId()
    {
        var commit = Commit($"PR-005:17:{Id}", "-m", "Parse the config file");

        Assert.True(commit.ExitCode == 0, commit.Error);
        Assert.Equal("Parse the config file\n\nThermocline-PR: PR-005\nThermocline-Lease: 17\n", _repo.Git("log", "-1", "--format=%B").TrimEnd('\n') + "\n");
        Assert.Equal("PR-005\n17", _repo.Git("log", "-1", "--format=%(trailers:key=Thermocline-PR,valueonly)%(trailers:key=Thermocline-Lease,valueonly)").Trim());
        Assert.DoesNotContain(Id, _repo.Git("log", "-1", "--format=%B"), StringComparison.Ordinal);
    }

    [Fact]
    public void Commit_Amend_UnderANewLease_ReplacesTheTrailers()
    {
        Assert.Equal(0, Commit("PR-005:17", "-m", "Work\n\nSigned-off-by: A <a@example.com>").ExitCode);

        var amend = Commit("PR-005:18", "--amend", "--no-edit");

        Assert.True(amend.ExitCode == 0, amend.Error);
        Assert.Equal("Work\n\nSigned-off-by: A <a@example.com>\nThermocline-PR: PR-005\nThermocline-Lease: 18", _repo.Git("log", "-1", "--format=%B").Trim());
    }

    [Fact]
    public void Commit_PlainLeaseBesideThermoPr_IsNamedWithThatPr()
    {
        var commit = CommitWith($"17:{Id}", new() { ["THERMO_PR"] = "PR-009" }, "-m", "Under keep-alive");

        Assert.True(commit.ExitCode == 0, commit.Error);
        Assert.EndsWith("Thermocline-PR: PR-009\nThermocline-Lease: 17", _repo.Git("log", "-1", "--format=%B").Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Commit_WithoutThermoLease_LeavesTheMessageAlone()
    {
        var commit = Commit("", "-m", "A person's commit");

        Assert.True(commit.ExitCode == 0, commit.Error);
        Assert.Equal("A person's commit", _repo.Git("log", "-1", "--format=%B").Trim());
    }

    [Theory]
    [InlineData("PR-005")]
    [InlineData("PR-005:0")]
    [InlineData("005:17")]
    [InlineData("PR-005:17:NOT-HEX")]
    public void Commit_InvalidThermoLease_FailsSayingTheAcceptedForms(string lease)
    {
        var before = _repo.Head();

        var commit = Commit(lease, "-m", "Not made");

        Assert.NotEqual(0, commit.ExitCode);
        Assert.Contains("THERMO_LEASE is not a lease the commit can name", commit.Error, StringComparison.Ordinal);
        Assert.Contains("PR-005:17:ID", commit.Error, StringComparison.Ordinal);
        Assert.Equal(before, _repo.Head());
    }

    [Fact]
    public void Commit_EmptyMessage_StaysEmptyAndGitRefusesIt()
    {
        var before = _repo.Head();

        var commit = Commit("PR-005:17", "-m", "");

        Assert.NotEqual(0, commit.ExitCode);
        Assert.Contains("empty commit message", commit.Error, StringComparison.Ordinal);
        Assert.Equal(before, _repo.Head());
    }

    private (int ExitCode, string Error) Commit(string lease, params string[] args) => CommitWith(lease, [], args);

    private (int ExitCode, string Error) CommitWith(string lease, Dictionary<string, string> env, params string[] args)
    {
        _repo.WriteFile("work.txt", Guid.NewGuid().ToString("N") + "\n");
        _repo.Git("add", "work.txt");
        env["THERMO_LEASE"] = lease;
        env.TryAdd("THERMO_PR", "");

        // pre-commit runs 'thermo check-paths', which asks a hub; --no-verify skips it (prepare-commit-msg still runs).
        using var git = _repo.StartGit(env, ["commit", "-q", "--no-verify", .. args]);
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        return (git.ExitCode, error);
    }
}
