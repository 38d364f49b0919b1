using System.Text.Json;
using Thermocline.Testing;

namespace Thermocline.Cli.Tests.Commands;

/// <summary>
/// <c>thermo verify-push</c> on real repositories where no hub is needed or none answers: people's commits, malformed
/// trailers, an unreachable hub (refused, or let through by the git setting), and the pre-push input. The judgement
/// against a real hub is in the hub's end-to-end tests (FencedPushTests).
/// </summary>
public sealed class VerifyPushCommandTests : IDisposable
{
    // Nothing listens on port 1: the hub is unreachable.
    private const string NoHub = "http://127.0.0.1:1";

    private readonly TempGitRepository _repo = TempGitRepository.CreateWith("README.md", "hello\n");

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task VerifyPush_PeoplesCommitsOnly_PassWithoutAskingTheHub()
    {
        var start = _repo.Head();
        Commit("A person's commit");
        Commit("Another");

        var run = await CliRun.RunAsync("verify-push", $"{start}..HEAD", "--repo", _repo.WorkDir, "--hub", NoHub);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("2 commits checked, 0 under a lease, 0 refused", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Thermocline-PR: PR-005\nThermocline-Lease: seventeen", "not a fence")]
    [InlineData("Thermocline-PR: 005\nThermocline-Lease: 17", "not a valid PR id")]
    [InlineData("Thermocline-Lease: 17", "no Thermocline-PR trailer")]
    public async Task VerifyPush_MalformedTrailers_AreRefusedWithAClearLine(string trailers, string expected)
    {
        var start = _repo.Head();
        var sha = Commit($"Work\n\n{trailers}");

        var run = await CliRun.RunAsync("verify-push", $"{start}..HEAD", "--repo", _repo.WorkDir, "--hub", NoHub);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains($"refused {sha[..10]}: malformed lease trailers:", run.Out, StringComparison.Ordinal);
        Assert.Contains(expected, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPush_HubUnreachable_RefusesWith69_UnlessTheRepositoryAllowsIt()
    {
        var start = _repo.Head();
        Commit("Work\n\nThermocline-PR: PR-005\nThermocline-Lease: 17");

        var refused = await CliRun.RunAsync("verify-push", $"{start}..HEAD", "--repo", _repo.WorkDir, "--hub", NoHub);

        Assert.Equal(69, refused.ExitCode);
        Assert.Contains("git config thermocline.verifyPush.unreachable allow", refused.Error, StringComparison.Ordinal);

        _repo.Git("config", "thermocline.verifyPush.unreachable", "allow");
        var allowed = await CliRun.RunAsync("verify-push", $"{start}..HEAD", "--repo", _repo.WorkDir, "--hub", NoHub, "--json");

        Assert.Equal(0, allowed.ExitCode);
        Assert.Contains("warning:", allowed.Error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(allowed.Out);
        Assert.True(json.RootElement.GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task VerifyPushHook_ChecksOnlyWhatTheRemoteLacks_AndSkipsDeletions()
    {
        var old = Commit("Work\n\nThermocline-PR: PR-005\nThermocline-Lease: bad"); // already on the remote: not checked
        var sha = Commit("More\n\nThermocline-PR: PR-005\nThermocline-Lease: x");
        var zero = new string('0', 40);
        var stdin = $"refs/heads/pr-005 {sha} refs/heads/pr-005 {old}\n(delete) {zero} refs/heads/gone {old}\n";

        var run = await CliRun.RunWithInputAsync(stdin, "verify-push", "--hook", "origin", "/nowhere", "--repo", _repo.WorkDir, "--hub", NoHub);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains($"refused {sha[..10]}", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(old[..10], run.Error, StringComparison.Ordinal);
        Assert.Contains("1 commit checked", run.Error, StringComparison.Ordinal);
        Assert.Contains("the push was refused", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPushHook_NewBranch_ChecksCommitsOnNoRemoteBranch()
    {
        var sha = Commit("People's work");

        var run = await CliRun.RunWithInputAsync($"refs/heads/x {sha} refs/heads/x {new string('0', 40)}\n", "verify-push", "--hook", "origin", "/nowhere", "--repo", _repo.WorkDir, "--hub", NoHub);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("2 commits checked", run.Error, StringComparison.Ordinal); // no remote branches: the whole history
    }

    [Fact]
    public async Task VerifyPush_BadInput_IsAUsageError()
    {
        Assert.Equal(2, (await CliRun.RunAsync("verify-push", "no-such-rev..HEAD", "--repo", _repo.WorkDir)).ExitCode);
        Assert.Equal(2, (await CliRun.RunAsync("verify-push", "--output=/tmp/x", "--repo", _repo.WorkDir)).ExitCode);
        Assert.Equal(2, (await CliRun.RunWithInputAsync("garbage\n", "verify-push", "--hook", "origin", "url", "--repo", _repo.WorkDir)).ExitCode);
        var noUpstream = await CliRun.RunAsync("verify-push", "--repo", _repo.WorkDir);
        Assert.Equal(2, noUpstream.ExitCode);
        Assert.Contains("origin/main..HEAD", noUpstream.Error, StringComparison.Ordinal);
    }

    private string Commit(string message)
    {
        _repo.WriteFile("work.txt", Guid.NewGuid().ToString("N") + "\n");
        _repo.Git("add", "work.txt");
        _repo.Git("commit", "-q", "--no-verify", "-m", message);
        return _repo.Head();
    }
}
