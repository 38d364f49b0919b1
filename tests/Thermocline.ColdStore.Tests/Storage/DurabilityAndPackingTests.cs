using System.Diagnostics;
using Thermocline.ColdStore.Native;
using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Xunit.Abstractions;

namespace Thermocline.ColdStore.Tests.Storage;

public sealed class DurabilityAndPackingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Open_DefaultOptions_TurnsLibgit2FsyncOn()
    {
        await using var r = await ColdRepo.CreateAsync();

        Assert.True(new ColdStoreOptions().Durable);
        Assert.True(r.Store.IsDurable);
        Assert.True(Durability.FsyncEnabled);
        // The fsync switch is set in the very library LibGit2Sharp bundles: its file must be the one we bind.
        Assert.NotEmpty(Directory.EnumerateFiles(AppContext.BaseDirectory, $"lib{LibGit2Native.Library}.*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Commit_WithFsyncOn_FsyncsBeforeAcknowledging()
    {
        // Counts fsync calls of this very process with strace while one commit runs; skipped silently is not
        // allowed, so without strace (or ptrace permission) the test checks the switch call itself succeeds.
        await using var r = await ColdRepo.CreateAsync();
        var transition = new ColdTransition("PR-002", ColdState.Blocked, ColdState.Ready, "hub");
        var traceFile = Path.Combine(r.Repo.Root, "strace.txt");
        Process? strace = null;
        try
        {
            strace = Process.Start(new ProcessStartInfo("strace", ["-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", traceFile, "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            });
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }

        if (strace is null || !await AttachedAsync(strace, traceFile))
        {
            // scripts/test.sh installs strace; under CI its absence is a failure, not a pass.
            Assert.NotEqual("true", Environment.GetEnvironmentVariable("CI"));
            output.WriteLine("strace unavailable: checked the switch only");
            LibGit2Native.SetFsyncGitDir(true);
            Assert.True(Durability.FsyncEnabled);
            return;
        }

        await r.Store.CommitTransitionAsync(transition);
        strace.Kill();
        await strace.WaitForExitAsync();

        var fsyncs = File.ReadAllLines(traceFile).Count(l => l.Contains("fsync(", StringComparison.Ordinal) || l.Contains("fdatasync(", StringComparison.Ordinal));
        output.WriteLine($"fsync calls during one commit: {fsyncs}");
        Assert.True(fsyncs >= 3, $"expected fsyncs of the blob, tree, commit and ref; saw {fsyncs}");
    }

    private static async Task<bool> AttachedAsync(Process strace, string output)
    {
        // strace writes its output file once attached; wait for that or for it to give up.
        for (var i = 0; i < 200 && !strace.HasExited; i++)
        {
            if (File.Exists(output))
            {
                await Task.Delay(200);
                return !strace.HasExited;
            }

            await Task.Delay(25);
        }

        return false;
    }

    [Fact]
    public async Task Pack_AfterCommits_LeavesNoLooseObjectsAndAnIntactRepository()
    {
        await using var r = await ColdRepo.CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            await r.Store.CommitTransitionAsync(new ColdTransition("PR-002", ColdState.Blocked, ColdState.Ready, "hub"));
            await r.Store.CommitTransitionAsync(new ColdTransition("PR-002", ColdState.Ready, ColdState.Blocked, "hub"));
        }

        var loose = await r.Store.CountLooseObjectsAsync();
        var packed = await r.Store.PackAsync();

        Assert.True(loose >= 10, $"{loose} loose objects");
        Assert.Equal(loose, packed);
        Assert.Equal(0, await r.Store.CountLooseObjectsAsync());
        r.Repo.Git("fsck", "--strict", "--no-progress");
        Assert.Equal(10, (await r.Store.GetHistoryAsync("PR-002")).Count);
        var after = await r.Store.CommitTransitionAsync(new ColdTransition("PR-002", ColdState.Blocked, ColdState.Ready, "hub"));
        Assert.True(after.Committed);
        Assert.Equal("", r.Repo.Status());
    }

    [Fact]
    public async Task Commits_PastTheCheckInterval_PackInTheBackground()
    {
        await using var r = await ColdRepo.CreateAsync(configure: o =>
        {
            o.PackCheckInterval = 4;
            o.PackLooseObjectThreshold = 8;
        });
        for (var i = 0; i < 2; i++)
        {
            await r.Store.CommitTransitionAsync(new ColdTransition("PR-002", ColdState.Blocked, ColdState.Ready, "hub"));
            await r.Store.CommitTransitionAsync(new ColdTransition("PR-002", ColdState.Ready, ColdState.Blocked, "hub"));
        }

        await r.Logger.WhenLogged(3009).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(await r.Store.CountLooseObjectsAsync() < 8);
        r.Repo.Git("fsck", "--strict", "--no-progress");
    }

    [Fact]
    public void Options_OutOfRange_ValidationNamesTheProperty()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ColdStoreOptions { RepositoryPath = "/x", LockTimeout = TimeSpan.FromMinutes(5) }.Validate());
        var path = Assert.Throws<ArgumentException>(() => new ColdStoreOptions { RepositoryPath = "/x", TaskListPath = "../escape.md" }.Validate());

        Assert.Equal(nameof(ColdStoreOptions.LockTimeout), ex.ParamName);
        Assert.Equal(nameof(ColdStoreOptions.TaskListPath), path.ParamName);
    }
}
