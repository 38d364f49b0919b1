using System.Text;
using System.Text.Json;
using Thermocline.Cli.Setup;
using Thermocline.Testing;

namespace Thermocline.Cli.Tests.Commands;

/// <summary><c>thermo setup</c> on real git repositories in temp folders: what it writes, and every byte it leaves alone.</summary>
public sealed class SetupCommandTests : IDisposable
{
    private const string Mine = "# Our agents\n\nUse tabs.\tAlways.\n\n## Tests\n\nRun them — all of them.\n";

    private readonly TempGitRepository _repo = TempGitRepository.Create();

    private string AgentsFile => _repo.PathOf("AGENTS.md");

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Setup_NoAgentsFile_CreatesItWithTheSectionAndPrintsTheMcpConfiguration()
    {
        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(AgentInstructions.Render("\n") + "\n", await File.ReadAllTextAsync(AgentsFile));
        Assert.StartsWith($"Created {AgentsFile} with the Thermocline section.", run.Out, StringComparison.Ordinal);
        Assert.Contains("""stdio: {"mcpServers":{"thermocline":{"command":"thermo","args":["mcp"]}}}""", run.Out, StringComparison.Ordinal);
        Assert.Contains("""HTTP:  {"mcpServers":{"thermocline":{"type":"http","url":"http://127.0.0.1:7420/mcp"}}}""", run.Out, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Setup_FromASubfolder_WritesAtTheTopLevelOfTheWorkingTree()
    {
        Directory.CreateDirectory(_repo.PathOf("src/deep"));

        var run = await CliRun.RunAsync("setup", "--repo", _repo.PathOf("src/deep"));

        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(AgentsFile));
        Assert.False(File.Exists(_repo.PathOf("src/deep/AGENTS.md")));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Setup_ExistingFile_AppendsAfterABlankLineInItsLineEndingsKeepingEveryOtherByte(string newline)
    {
        var original = Bytes(Mine.ReplaceLineEndings(newline));
        await File.WriteAllBytesAsync(AgentsFile, original);

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"Added the Thermocline section at the end of {AgentsFile}", run.Out, StringComparison.Ordinal);
        byte[] expected = [.. original, .. Bytes(newline + AgentInstructions.Render(newline) + newline)];
        Assert.Equal(expected, await File.ReadAllBytesAsync(AgentsFile));
    }

    [Fact]
    public async Task Setup_ExistingFileWithoutFinalLineBreak_EndsItsLastLineBeforeTheBlankLine()
    {
        await File.WriteAllTextAsync(AgentsFile, "# Ours\r\nno final line break");

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("# Ours\r\nno final line break\r\n\r\n" + AgentInstructions.Render("\r\n") + "\r\n", await File.ReadAllTextAsync(AgentsFile));
    }

    [Fact]
    public async Task Setup_SecondRun_ChangesNothingAndSaysSo()
    {
        await File.WriteAllTextAsync(AgentsFile, Mine.ReplaceLineEndings("\r\n"));
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--repo", _repo.WorkDir)).ExitCode);
        var once = await File.ReadAllBytesAsync(AgentsFile);
        var earlier = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(AgentsFile, earlier);

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("unchanged", json.RootElement.GetProperty("action").GetString());
        Assert.Equal(once, await File.ReadAllBytesAsync(AgentsFile));
        Assert.Equal(earlier, File.GetLastWriteTimeUtc(AgentsFile));
        var text = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir);
        Assert.StartsWith($"{AgentsFile} already has the current Thermocline section; nothing changed.", text.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Setup_OutdatedSection_ReplacedInPlaceBetweenItsMarkers(string newline)
    {
        var before = $"# Title{newline}{newline}  ";
        var old = $"<!-- thermocline:begin -->{newline}## Old instructions{newline}Edit cold_state by hand.{newline}<!-- thermocline:end -->";
        var after = $"  {newline}{newline}## After{newline}more, no final line break";
        await File.WriteAllTextAsync(AgentsFile, before + old + after);

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("updated", json.RootElement.GetProperty("action").GetString());
        Assert.Equal(AgentsFile, json.RootElement.GetProperty("file").GetString());
        Assert.Equal(before + AgentInstructions.Render(newline) + after, await File.ReadAllTextAsync(AgentsFile));
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--check")).ExitCode);
    }

    [Fact]
    public async Task Check_MissingFile_ExitsOneSayingWhatToRunAndWritesNothing()
    {
        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--check");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"run 'thermo setup --repo {_repo.WorkDir}' to write it", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(AgentsFile));
    }

    [Fact]
    public async Task Check_FileWithoutSection_ExitsOneAndLeavesItAlone()
    {
        await File.WriteAllTextAsync(AgentsFile, Mine);

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--check", "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("missing", json.RootElement.GetProperty("check").GetString());
        Assert.Contains("has no Thermocline section; run 'thermo setup", run.Error, StringComparison.Ordinal);
        Assert.Equal(Mine, await File.ReadAllTextAsync(AgentsFile));
    }

    [Fact]
    public async Task Check_OutdatedSection_ExitsOneAndLeavesItAlone()
    {
        var outdated = Mine + "\n" + AgentInstructions.Render("\n").Replace("Never edit", "Please do not edit", StringComparison.Ordinal) + "\n";
        await File.WriteAllTextAsync(AgentsFile, outdated);

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--check");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is outdated; run 'thermo setup", run.Error, StringComparison.Ordinal);
        Assert.Equal(outdated, await File.ReadAllTextAsync(AgentsFile));
    }

    [Fact]
    public async Task Check_CurrentSection_ExitsZero()
    {
        await File.WriteAllTextAsync(AgentsFile, Mine);
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--repo", _repo.WorkDir)).ExitCode);

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--check");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"{AgentsFile} has the current Thermocline section.\n", run.Out.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\n\n\n")]
    public async Task Remove_AfterSetup_GivesBackTheOriginalBytesExactly(string newline)
    {
        var original = Bytes(Mine.ReplaceLineEndings(newline));
        await File.WriteAllBytesAsync(AgentsFile, original);
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--repo", _repo.WorkDir)).ExitCode);
        Assert.NotEqual(original, await File.ReadAllBytesAsync(AgentsFile));

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--remove");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"Removed the Thermocline section from {AgentsFile}; the rest of it is as it was.\n", run.Out.ReplaceLineEndings("\n"));
        Assert.Equal(original, await File.ReadAllBytesAsync(AgentsFile));
    }

    [Fact]
    public async Task Remove_SectionBetweenParagraphs_KeepsOneBlankLineBetweenThem()
    {
        await File.WriteAllTextAsync(AgentsFile, "A\n\n" + AgentInstructions.Render("\n") + "\n\nB\n");

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--remove");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("A\n\nB\n", await File.ReadAllTextAsync(AgentsFile));
    }

    [Fact]
    public async Task Remove_FileSetupCreated_DeletesIt()
    {
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--repo", _repo.WorkDir)).ExitCode);

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--remove", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("removed", json.RootElement.GetProperty("action").GetString());
        Assert.True(json.RootElement.GetProperty("deleted").GetBoolean());
        Assert.False(File.Exists(AgentsFile));
        Assert.Equal("", _repo.Status());
    }

    [Fact]
    public async Task SetupAndRemove_AgentsFileIsASymbolicLink_EditTheTargetAndKeepTheLink()
    {
        await File.WriteAllTextAsync(_repo.PathOf("CLAUDE.md"), Mine);
        File.CreateSymbolicLink(AgentsFile, "CLAUDE.md");

        Assert.Equal(0, (await CliRun.RunAsync("setup", "--repo", _repo.WorkDir)).ExitCode);

        Assert.Equal("CLAUDE.md", new FileInfo(AgentsFile).LinkTarget);
        Assert.Equal(Mine + "\n" + AgentInstructions.Render("\n") + "\n", await File.ReadAllTextAsync(_repo.PathOf("CLAUDE.md")));
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--remove")).ExitCode);
        Assert.Equal("CLAUDE.md", new FileInfo(AgentsFile).LinkTarget);
        Assert.Equal(Mine, await File.ReadAllTextAsync(_repo.PathOf("CLAUDE.md")));
    }

    [Fact]
    public async Task Remove_NoSection_SaysSoAndChangesNothing()
    {
        await File.WriteAllTextAsync(AgentsFile, Mine);

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--remove", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("absent", json.RootElement.GetProperty("action").GetString());
        Assert.Equal(Mine, await File.ReadAllTextAsync(AgentsFile));
        Assert.False(File.Exists(_repo.PathOf("nothing.md")));
        Assert.Equal(0, (await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--remove", "--agents-file", "nothing.md")).ExitCode);
        Assert.False(File.Exists(_repo.PathOf("nothing.md")));
    }

    [Theory]
    [InlineData("# A\n<!-- thermocline:begin -->\nno end\n", 2, "with no <!-- thermocline:end --> after it")]
    [InlineData("<!-- thermocline:begin -->\n\n<!-- thermocline:begin -->\n<!-- thermocline:end -->\n", 3, "a second <!-- thermocline:begin --> marker")]
    [InlineData("# A\r\n\r\n<!-- thermocline:end -->\r\n", 3, "with no <!-- thermocline:begin --> before it")]
    [InlineData("<!-- thermocline:begin -->\n<!-- thermocline:end -->\n\n  <!-- thermocline:begin -->\n<!-- thermocline:end -->\n", 4, "a second Thermocline section")]
    public async Task Setup_MalformedMarkers_RefusedWithFileAndLineAndNothingWritten(string content, int line, string problem)
    {
        await File.WriteAllTextAsync(AgentsFile, content);

        foreach (var extra in new[] { "--json", "--check", "--remove" })
        {
            var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, extra);

            Assert.Equal(65, run.ExitCode);
            Assert.StartsWith($"thermo: {AgentsFile}:{line}: ", run.Error, StringComparison.Ordinal);
            Assert.Contains(problem, run.Error, StringComparison.Ordinal);
            Assert.Contains("nothing was written", run.Error, StringComparison.Ordinal);
            Assert.Equal("", run.Out);
            Assert.Equal(content, await File.ReadAllTextAsync(AgentsFile));
        }

        Assert.Equal(["AGENTS.md"], Directory.GetFiles(_repo.WorkDir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Setup_AgentsFileIsADirectory_ExitsOneSayingWhatToDo()
    {
        Directory.CreateDirectory(AgentsFile);

        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is a directory", run.Error, StringComparison.Ordinal);
        Assert.Contains("--agents-file", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(AgentsFile));
    }

    [Fact]
    public async Task Setup_AgentsFileOption_ResolvedFromTheTopLevel()
    {
        Directory.CreateDirectory(_repo.PathOf("docs"));
        Directory.CreateDirectory(_repo.PathOf("src"));

        var run = await CliRun.RunAsync("setup", "--repo", _repo.PathOf("src"), "--agents-file", "docs/AGENTS.md", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("written", json.RootElement.GetProperty("action").GetString());
        Assert.True(json.RootElement.GetProperty("created").GetBoolean());
        Assert.Equal(_repo.PathOf("docs/AGENTS.md"), json.RootElement.GetProperty("file").GetString());
        Assert.True(File.Exists(_repo.PathOf("docs/AGENTS.md")));
        Assert.False(File.Exists(AgentsFile));
    }

    [Fact]
    public async Task Setup_Json_CarriesBothMcpConfigurationsForTheGivenHub()
    {
        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--json", "--hub", "http://10.0.0.5:9000/");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var mcp = json.RootElement.GetProperty("mcp");
        var stdio = mcp.GetProperty("stdio").GetProperty("mcpServers").GetProperty("thermocline");
        Assert.Equal("thermo", stdio.GetProperty("command").GetString());
        Assert.Equal(["mcp"], stdio.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("http://10.0.0.5:9000", stdio.GetProperty("env").GetProperty("THERMO_HUB").GetString());
        Assert.Equal("http://10.0.0.5:9000/mcp", mcp.GetProperty("http").GetProperty("mcpServers").GetProperty("thermocline").GetProperty("url").GetString());
        Assert.Equal(_repo.WorkDir, json.RootElement.GetProperty("repository").GetString());
    }

    [Fact]
    public async Task PrintMcp_PrintsOnlyTheConfigurationAndWritesNothing()
    {
        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, "--print-mcp", "--hub", "https://hub.example:8443");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("""HTTP:  {"mcpServers":{"thermocline":{"type":"http","url":"https://hub.example:8443/mcp"}}}""", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("AGENTS.md", run.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(AgentsFile));
    }

    [Theory]
    [InlineData("--check", "--remove")]
    [InlineData("--print-mcp", "--remove")]
    [InlineData("--hub", "ftp://example")]
    public async Task Setup_ConflictingOrBadOptions_UsageErrorAndNothingWritten(string option, string value)
    {
        var run = await CliRun.RunAsync("setup", "--repo", _repo.WorkDir, option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("thermo: ", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(AgentsFile));
    }

    [Fact]
    public async Task Setup_OutsideAGitWorkingTree_UsageError()
    {
        using var dir = new TempDirectory();

        var run = await CliRun.RunAsync("setup", "--repo", dir.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is not inside a git working tree", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task Help_Setup_ExplainsItself()
    {
        var run = await CliRun.RunAsync("setup", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--agents-file", run.Out, StringComparison.Ordinal);
        Assert.Contains("--check", run.Out, StringComparison.Ordinal);
        Assert.Contains("--remove", run.Out, StringComparison.Ordinal);
    }

    private static byte[] Bytes(string text) => new UTF8Encoding(false).GetBytes(text);
}
