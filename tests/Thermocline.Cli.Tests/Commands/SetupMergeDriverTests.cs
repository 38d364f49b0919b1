using System.Text;
using System.Text.Json;
using Thermocline.Cli.Setup;
using Thermocline.Testing;

namespace Thermocline.Cli.Tests.Commands;

/// <summary><c>thermo setup --merge-driver</c> on real repositories: what it writes, that it is idempotent and removable, and every other line it leaves alone.</summary>
public sealed class SetupMergeDriverTests : IDisposable
{
    private const string MyConfig = "\n[alias]\n\tst = status\n# my own comment\n[merge \"mine\"]\n\tdriver = cat %A\n";

    private readonly TempGitRepository _repo = TempGitRepository.Create();

    private string Attributes => _repo.PathOf(".gitattributes");

    private string Config => Path.Combine(_repo.GitDir, "config");

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task SetupMergeDriver_WritesTheDriverAndTheMarkedLineOnce_AndRemoveRestoresEveryByte()
    {
        await File.AppendAllTextAsync(Config, MyConfig);
        var config = await File.ReadAllBytesAsync(Config);
        var attributes = Encoding.UTF8.GetBytes("*.png binary\r\n*.sh text eol=lf\r\n");
        await File.WriteAllBytesAsync(Attributes, attributes);

        var first = await CliRun.RunAsync("setup", "--merge-driver", "--repo", _repo.WorkDir);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("(written)", first.Out, StringComparison.Ordinal);
        Assert.Equal(MergeDriverRegistration.DriverCommand(), _repo.Git("config", "--local", "merge.thermocline.driver").Trim());
        Assert.Equal(MergeDriverRegistration.Description, _repo.Git("config", "--local", "merge.thermocline.name").Trim());
        Assert.StartsWith(Encoding.UTF8.GetString(config), await File.ReadAllTextAsync(Config), StringComparison.Ordinal);
        Assert.Equal("*.png binary\r\n*.sh text eol=lf\r\n" + MergeDriverRegistration.Marker + "\r\ndocs/task-list.md merge=thermocline\r\n", await File.ReadAllTextAsync(Attributes));
        Assert.Equal("docs/task-list.md: merge: thermocline", _repo.Git("check-attr", "merge", "--", "docs/task-list.md").Trim());

        var written = (await File.ReadAllBytesAsync(Config), await File.ReadAllBytesAsync(Attributes));
        var second = await CliRun.RunAsync("setup", "--merge-driver", "--repo", _repo.WorkDir, "--json");
        using (var json = JsonDocument.Parse(second.Out))
        {
            Assert.Equal("unchanged", json.RootElement.GetProperty("mergeDriver").GetProperty("config").GetString());
            Assert.Equal("unchanged", json.RootElement.GetProperty("mergeDriver").GetProperty("attributes").GetString());
        }

        Assert.Equal(written.Item1, await File.ReadAllBytesAsync(Config));
        Assert.Equal(written.Item2, await File.ReadAllBytesAsync(Attributes));
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--merge-driver", "--check", "--repo", _repo.WorkDir)).ExitCode);

        var removed = await CliRun.RunAsync("setup", "--merge-driver", "--remove", "--repo", _repo.WorkDir);

        Assert.Equal(0, removed.ExitCode);
        Assert.Equal(config, await File.ReadAllBytesAsync(Config));
        Assert.Equal(attributes, await File.ReadAllBytesAsync(Attributes));
        var check = await CliRun.RunAsync("setup", "--merge-driver", "--check", "--repo", _repo.WorkDir);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("run 'thermo setup --merge-driver'", check.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--merge-driver", "--remove", "--repo", _repo.WorkDir)).ExitCode);
        Assert.Equal(config, await File.ReadAllBytesAsync(Config));
    }

    [Fact]
    public async Task SetupMergeDriver_NoGitattributes_CreatesItAndRemoveDeletesIt()
    {
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--merge-driver", "--repo", _repo.WorkDir)).ExitCode);
        Assert.Equal(MergeDriverRegistration.Marker + "\ndocs/task-list.md merge=thermocline\n", await File.ReadAllTextAsync(Attributes));
        Assert.False(File.Exists(_repo.PathOf("AGENTS.md")));

        Assert.Equal(0, (await CliRun.RunAsync("setup", "--merge-driver", "--remove", "--repo", _repo.WorkDir)).ExitCode);
        Assert.False(File.Exists(Attributes));
    }

    [Fact]
    public async Task SetupMergeDriverCheck_DriverOfAnotherThermo_IsOutdated()
    {
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--merge-driver", "--repo", _repo.WorkDir)).ExitCode);
        _repo.Git("config", "merge.thermocline.driver", "/old/thermo merge-driver %O %A %B %P");

        var check = await CliRun.RunAsync("setup", "--merge-driver", "--check", "--repo", _repo.WorkDir);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("runs '/old/thermo merge-driver %O %A %B %P', not this thermo", check.Error, StringComparison.Ordinal);

        var update = await CliRun.RunAsync("setup", "--merge-driver", "--repo", _repo.WorkDir);
        Assert.Contains("(updated)", update.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--merge-driver", "--check", "--repo", _repo.WorkDir)).ExitCode);
    }

    [Fact]
    public void DriverCommand_RunThroughDotnet_NamesDotnetAndThisThermoDllByAbsolutePath()
    {
        var command = MergeDriverRegistration.DriverCommand();

        Assert.EndsWith($" {typeof(MergeDriverRegistration).Assembly.Location} merge-driver %O %A %B %P", command, StringComparison.Ordinal);
        Assert.True(Path.IsPathRooted(command.Split(' ')[0].Trim('\'')), command);
    }

    [Fact]
    public async Task SetupMergeDriver_WithAgentsFile_IsAUsageError()
    {
        var run = await CliRun.RunAsync("setup", "--merge-driver", "--agents-file", "X.md", "--repo", _repo.WorkDir);

        Assert.Equal(2, run.ExitCode);
        Assert.False(File.Exists(Attributes));
    }
}
