using System.Text.Json;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// Issue #17's fenced code pushes, end to end: a real hub, the real thermo binary as the agents and as the git hooks
/// 'thermo setup --hooks' writes, a clone and a bare remote. The zombie agent's late push is refused naming the fence
/// that took the PR over; a push under a current lease passes.
/// </summary>
public sealed class FencedPushTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Push_AfterTheLeaseLapsedAndAnotherAgentCompleted_IsRefusedNamingTheNewFence_AndACurrentLeasePasses()
    {
        await using var world = HubWorld.Create(Store.Embedded, redis);
        var hub = await world.StartHubAsync();
        var remote = Path.Combine(world.Repo.Root, "remote.git");
        var clone = Path.Combine(world.Repo.Root, "agent-a");
        world.Repo.Git("clone", "-q", "--bare", world.Repo.WorkDir, remote);
        world.Repo.Git("clone", "-q", remote, clone);
        Git(world, clone, [], "config", "user.name", "Agent A");
        Git(world, clone, [], "config", "user.email", "agent-a@example.com");
        var setup = await Thermo.RunAsync(world.Repo.ConfigHome, clone, ["setup", "--hooks"]);
        Assert.True(setup.ExitCode == 0, setup.ToString());

        // A claims with a one-second lease and lets it lapse; B claims, and completes the PR.
        var a = Fence((await world.ExpectAsync(0, "claim", "PR-004", "--agent", "agent-a", "--ttl", "1s", "--json")).Out);
        var b = await Eventually.ReturnsAsync(() => world.RunAsync("claim", "PR-004", "--agent", "agent-b", "--json"), r => r.ExitCode == 0, "agent-a's lease lapses and agent-b claims PR-004", TimeSpan.FromSeconds(30));
        using (var claim = JsonDocument.Parse(b.Out))
        {
            var lease = claim.RootElement.GetProperty("lease").GetString()!;
            Assert.True(Fence(b.Out) > a, b.ToString());
            await world.ExpectAsync(0, "transition", "PR-004", "completed", "--agent", "agent-b", "--lease", lease);
        }

        // The zombie finishes its work under its old lease and pushes it.
        File.WriteAllText(Path.Combine(clone, "late.txt"), "late work\n");
        Git(world, clone, [], "add", "late.txt");
        var env = new Dictionary<string, string> { ["THERMO_LEASE"] = $"PR-004:{a}", ["THERMO_HUB"] = hub.LocalUrl };
        Commit(world, clone, env, "Late work on PR-004");
        Assert.Contains($"Thermocline-Lease: {a}", Git(world, clone, [], "log", "-1", "--format=%B").Out, StringComparison.Ordinal);
        var lateCommit = Git(world, clone, [], "rev-parse", "HEAD").Out.Trim();

        var late = Git(world, clone, env, "push", "origin", "HEAD:refs/heads/pr-004");

        Assert.True(late.ExitCode != 0, $"the late push went through:\n{late.Error}\n--- hub log\n{hub.Log}");
        Assert.Contains($"PR-004 fence {a}: superseded by fence {Fence(b.Out)} (agent-b)", late.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, Git(world, remote, [], "rev-parse", "--verify", "-q", "refs/heads/pr-004").ExitCode);

        // Under a current lease the same kind of push passes.
        var current = JsonDocument.Parse((await world.ExpectAsync(0, "claim", "PR-001", "--agent", "agent-a", "--json")).Out).RootElement.GetProperty("lease").GetString()!;
        Git(world, clone, [], "reset", "-q", "--hard", "origin/main");
        File.WriteAllText(Path.Combine(clone, "skeleton.txt"), "skeleton\n");
        Git(world, clone, [], "add", "skeleton.txt");
        var now = new Dictionary<string, string> { ["THERMO_LEASE"] = $"PR-001:{current}", ["THERMO_HUB"] = hub.LocalUrl };
        var beat = await world.RunWithAsync(now, "heartbeat", "PR-001", "--agent", "agent-a"); // one THERMO_LEASE serves the lease commands too
        Assert.True(beat.ExitCode == 0, beat.ToString());
        Commit(world, clone, now, "Project skeleton");

        var push = Git(world, clone, now, "push", "origin", "HEAD:refs/heads/pr-001");

        Assert.True(push.ExitCode == 0, $"{push.Error}\n--- hub log\n{hub.Log}");
        Assert.Contains("1 commit checked, 1 under a lease, 0 refused", push.Error, StringComparison.Ordinal);
        Assert.Equal(Git(world, clone, [], "rev-parse", "HEAD").Out, Git(world, remote, [], "rev-parse", "refs/heads/pr-001").Out);

        // CI sees the same: the late commit refused (exit 4), the current one passes.
        var hubEnv = new Dictionary<string, string> { ["THERMO_HUB"] = hub.LocalUrl };
        var ciLate = await Thermo.RunAsync(world.Repo.ConfigHome, clone, ["verify-push", $"origin/main..{lateCommit}"], hubEnv);
        Assert.True(ciLate.ExitCode == 4, ciLate.ToString());
        Assert.Contains($"refused {lateCommit[..10]} PR-004 fence {a}: superseded by fence {Fence(b.Out)} (agent-b)", ciLate.Out, StringComparison.Ordinal);
        var ci = await Thermo.RunAsync(world.Repo.ConfigHome, clone, ["verify-push", "origin/main..HEAD", "--json"], hubEnv);
        Assert.True(ci.ExitCode == 0, ci.ToString());
        using var report = JsonDocument.Parse(ci.Out);
        Assert.Equal(1, report.RootElement.GetProperty("fenced").GetInt32());
    }

    private static long Fence(string claimJson)
    {
        using var json = JsonDocument.Parse(claimJson);
        return json.RootElement.GetProperty("fence").GetInt64();
    }

    // Every hook setup wrote runs: pre-commit (check-paths: nothing is reserved here), prepare-commit-msg (the trailers).
    private static void Commit(HubWorld world, string directory, Dictionary<string, string> env, string message)
    {
        var commit = Git(world, directory, env, "commit", "-q", "-m", message);
        Assert.True(commit.ExitCode == 0, commit.Error);
    }

    private static (int ExitCode, string Out, string Error) Git(HubWorld world, string directory, Dictionary<string, string> env, params string[] args) =>
        WorldGit.Run(world, directory, env, args);
}
