using System.Diagnostics;
using System.Text.RegularExpressions;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// <c>thermo demo</c>, the README's first command, run as the real binary: a temporary repository, a hub on the embedded
/// store killed with SIGKILL and restarted, agents taking every PR to approval, then its own checks against git; the
/// repository is deleted afterwards. TMPDIR points into the test's own folder, so what the demo leaves behind is seen.
/// </summary>
public sealed partial class DemoCommandTests
{
    // The demo takes under 30 s alone; on a loaded 2-core machine, with coverage, it may take a few times that.
    private static readonly TimeSpan DemoLimit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Demo_TwoWorkers_TakesEveryPrToApprovalThroughACrashAndDeletesItsRepository()
    {
        using var home = new TempDirectory("thermo-demo-test");
        var tmp = Directory.CreateDirectory(home.Combine("tmp")).FullName;

        var run = await RunDemoAsync(home.Path, tmp, "--workers", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("KILLED with SIGKILL", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"restarted \(pid \d+\): crash recovery ran", run.Out);
        Assert.Contains("stopped with SIGTERM (exit 0); a dry-run reconciliation just before found no conflicts", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"ok   all \d+ milestones the hub acknowledged are in git", run.Out);
        Assert.Matches(@"ok   history is clean: \d+ milestone, \d+ dependency and \d+ display-sync commits; 0 other", run.Out);
        Assert.Contains("ok   the task list parses and all 10/10 PRs are approved", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", run.Out, StringComparison.Ordinal);

        // Two workers and the reviewer took part, and the board at the end shows every PR approved.
        Assert.Contains("agent-2", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("agent-3", run.Out, StringComparison.Ordinal);
        Assert.Contains("reviewer-1", run.Out, StringComparison.Ordinal);

        var repository = RepositoryLine().Match(run.Out);
        Assert.True(repository.Success, run.ToString());
        Assert.StartsWith(tmp, repository.Groups[1].Value, StringComparison.Ordinal);
        Assert.False(Directory.Exists(repository.Groups[1].Value), $"the demo left its repository at {repository.Groups[1].Value}");
        Assert.Empty(Directory.EnumerateDirectories(tmp, "thermo-demo-*"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("17")]
    public async Task Demo_WorkersOutOfRange_ExitsTwoNamingTheRangeAndCreatesNothing(string workers)
    {
        using var home = new TempDirectory("thermo-demo-test");
        var tmp = Directory.CreateDirectory(home.Combine("tmp")).FullName;

        var run = await RunDemoAsync(home.Path, tmp, "--workers", workers);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--workers {workers} is out of range; use 1 to 16.", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
        Assert.Empty(Directory.EnumerateDirectories(tmp, "thermo-demo-*"));
    }

    private static async Task<ThermoRun> RunDemoAsync(string home, string tmp, params string[] args)
    {
        var info = Thermo.StartInfo(home, home, ["demo", .. args], new Dictionary<string, string> { ["TMPDIR"] = tmp });
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start thermo demo");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(DemoLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"thermo demo did not finish within {DemoLimit.TotalMinutes} min; stdout: {await stdout}\nstderr: {await stderr}");
        }

        return new ThermoRun(process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"Demo repository: (\S+) \(")]
    private static partial Regex RepositoryLine();
}
