using Thermocline.Testing;

namespace Thermocline.Cli.Tests.Commands;

/// <summary>
/// <c>thermo check-paths</c> where no hub answers: as a hook it never stops a commit, by hand it says the hub is away.
/// The check against a real hub's reservations is in the hub's end-to-end tests (PathLeaseTests).
/// </summary>
public sealed class CheckPathsCommandTests : IDisposable
{
    private const string NoHub = "http://127.0.0.1:1";

    private readonly TempGitRepository _repo = TempGitRepository.CreateWith("README.md", "hello\n");

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task CheckPaths_HookWithTheHubAway_WarnsAndLetsTheCommitThrough()
    {
        File.WriteAllText(Path.Combine(_repo.WorkDir, "a.txt"), "a\n");
        _repo.Git("add", "a.txt");

        var run = await CliRun.RunAsync("check-paths", "--hook", "--repo", _repo.WorkDir, "--hub", NoHub);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("reserved paths not checked", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckPaths_ByHandWithTheHubAway_Exits69()
    {
        var run = await CliRun.RunAsync("check-paths", "src/a.cs", "--repo", _repo.WorkDir, "--hub", NoHub);

        Assert.Equal(69, run.ExitCode);
    }

    [Fact]
    public async Task CheckPaths_NothingStaged_PassesWithoutAskingTheHub()
    {
        var run = await CliRun.RunAsync("check-paths", "--hook", "--repo", _repo.WorkDir, "--hub", NoHub);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task CheckPaths_BadArguments_UsageErrors()
    {
        Assert.Equal(2, (await CliRun.RunAsync("check-paths", "--hook", "a.txt", "--repo", _repo.WorkDir)).ExitCode);
        Assert.Equal(2, (await CliRun.RunAsync("check-paths", "--repo", Path.GetTempPath(), "--hub", NoHub)).ExitCode);
    }
}
