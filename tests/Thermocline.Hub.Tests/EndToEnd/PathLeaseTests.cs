using System.Text;
using System.Text.Json;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// Issue #17's path leases, end to end: a real hub, the real thermo binary as two agents and as the pre-commit hook
/// 'thermo setup --hooks' writes. The second agent is not offered the PR whose files overlap the first one's reservation,
/// and a commit into those paths is flagged — or refused, when the repository says so.
/// </summary>
public sealed class PathLeaseTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task TwoAgentsOverlappingFiles_SecondIsNotOfferedThePr_AndACommitIntoTheReservedPathsIsFlagged()
    {
        await using var world = HubWorld.Create(Store.Embedded, redis, OverlappingList);
        var hub = await world.StartHubAsync();

        // agent-a takes the parser work and reserves its files.
        var a = await world.ExpectAsync(0, "claim", "--next", "--reserve", "--agent", "agent-a", "--json");
        using (var claim = JsonDocument.Parse(a.Out))
        {
            Assert.Equal("PR-101", claim.RootElement.GetProperty("prId").GetString());
            Assert.Equal("src/parser/Lexer.cs", claim.RootElement.GetProperty("reservedPaths")[0].GetString());
        }

        // agent-b: PR-102 (same file) is neither offered nor claimable; the next PR it gets is the docs one.
        var ready = await world.ExpectAsync(0, "ready");
        Assert.DoesNotContain(ready.Out.Split('\n'), line => line.StartsWith("PR-102 ", StringComparison.Ordinal) && line.Contains("high", StringComparison.Ordinal));
        Assert.Contains("PR-102 waits for paths reserved by PR-101 (agent-a, fence", ready.Out, StringComparison.Ordinal);
        var refused = await world.ExpectAsync(4, "claim", "PR-102", "--agent", "agent-b");
        Assert.Contains("overlap paths reserved by PR-101", refused.Error, StringComparison.Ordinal);
        var b = await world.ExpectAsync(0, "claim", "--next", "--agent", "agent-b", "--json");
        Assert.Contains("\"prId\": \"PR-103\"", b.Out, StringComparison.Ordinal);

        // agent-b, working in its clone with the hooks installed, touches agent-a's file: flagged, the commit goes through.
        var clone = Path.Combine(world.Repo.Root, "agent-b");
        world.Repo.Git("clone", "-q", world.Repo.WorkDir, clone);
        WorldGit.Run(world, clone, new Dictionary<string, string>(), "config", "user.name", "Agent B");
        WorldGit.Run(world, clone, new Dictionary<string, string>(), "config", "user.email", "agent-b@example.com");
        var setup = await Thermo.RunAsync(world.Repo.ConfigHome, clone, ["setup", "--hooks"]);
        Assert.True(setup.ExitCode == 0, setup.ToString());
        var env = new Dictionary<string, string> { ["THERMO_HUB"] = hub.LocalUrl, ["THERMO_PR"] = "PR-103" };
        Directory.CreateDirectory(Path.Combine(clone, "src", "parser"));
        File.WriteAllText(Path.Combine(clone, "src", "parser", "Lexer.cs"), "// agent-b was here\n");
        File.WriteAllText(Path.Combine(clone, "docs-guide.md"), "guide\n");
        WorldGit.Run(world, clone, env, "add", ".");

        var warned = WorldGit.Run(world, clone, env, "commit", "-q", "-m", "Docs, and a stray edit");

        Assert.True(warned.ExitCode == 0, warned.Error);
        Assert.Contains("warning: src/parser/Lexer.cs is reserved by PR-101 (agent-a, fence", warned.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("docs-guide.md", warned.Error, StringComparison.Ordinal);

        // Configured to refuse: the same kind of commit is stopped and nothing is committed.
        WorldGit.Run(world, clone, env, "config", "thermocline.reservedPaths", "refuse");
        File.AppendAllText(Path.Combine(clone, "src", "parser", "Lexer.cs"), "// more\n");
        WorldGit.Run(world, clone, env, "add", ".");
        var head = WorldGit.Run(world, clone, env, "rev-parse", "HEAD").Out;

        var stopped = WorldGit.Run(world, clone, env, "commit", "-q", "-m", "More stray edits");

        Assert.True(stopped.ExitCode != 0, "the commit into reserved paths went through");
        Assert.Contains("refused: src/parser/Lexer.cs is reserved by PR-101", stopped.Error, StringComparison.Ordinal);
        Assert.Equal(head, WorldGit.Run(world, clone, env, "rev-parse", "HEAD").Out);

        // agent-a's own commits into its reservation are its own business.
        var own = await Thermo.RunAsync(world.Repo.ConfigHome, clone, ["check-paths", "src/parser/Lexer.cs", "--refuse"],
            new Dictionary<string, string> { ["THERMO_HUB"] = hub.LocalUrl, ["THERMO_PR"] = "PR-101" });
        Assert.True(own.ExitCode == 0, own.ToString());

        // The reservation ends with the lease: PR-102 is offered again and the commit passes.
        var lease = JsonDocument.Parse(a.Out).RootElement.GetProperty("lease").GetString()!;
        await world.ExpectAsync(0, "release", "PR-101", "--agent", "agent-a", "--lease", lease);
        Assert.Contains("PR-102", (await world.ExpectAsync(0, "ready")).Out, StringComparison.Ordinal);
        var after = WorldGit.Run(world, clone, env, "commit", "-q", "-m", "More edits, now that nobody holds the parser");
        Assert.True(after.ExitCode == 0, after.Error);
    }

    private static readonly string OverlappingList = List(
        ("PR-101", "Lexer rewrite", "high", "src/parser/Lexer.cs"),
        ("PR-102", "Lexer error messages", "high", "src/parser/Lexer.cs"),
        ("PR-103", "Parser guide", "medium", "docs/parser.md"));

    private static string List(params (string Id, string Title, string Priority, string File)[] prs)
    {
        var text = new StringBuilder("# Task List\n\n");
        foreach (var (id, title, priority, file) in prs)
        {
            text.Append($"### {id}: {title}\n\n---\npr_id: {id}\ntitle: {title}\ncold_state: ready\npriority: {priority}\ndependencies: []\n");
            text.Append($"estimated_files:\n  - path: {file}\n    action: modify\n    description: {title}\n---\n\n{title}.\n\n");
        }

        return text.ToString();
    }
}
