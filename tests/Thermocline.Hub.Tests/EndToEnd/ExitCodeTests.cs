using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>Every exit code of SPEC.md (0, 2, 3, 4, 65, 69), from the real binary against a real hub, on both stores.</summary>
public sealed class ExitCodeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(Store.Embedded)]
    [InlineData(Store.Redis)]
    public async Task AgentCommands_EachFailure_ExitsWithItsCodeAndSaysWhy(Store store)
    {
        await using var world = HubWorld.Create(store, redis);
        await world.StartHubAsync();

        // 2 usage: unknown flag, missing agent, bad and hostile ids, unknown state, unknown PR, malformed lease.
        Assert.Contains("bogus", (await world.ExpectAsync(2, "status", "--bogus")).Error, StringComparison.Ordinal);
        Assert.Contains("--agent", (await world.ExpectAsync(2, "claim", "PR-001")).Error, StringComparison.Ordinal);
        Assert.Contains("not a valid PR id", (await world.ExpectAsync(2, "claim", "PR-../x", "--agent", "a1")).Error, StringComparison.Ordinal);
        Assert.Contains("not a valid PR id", (await world.ExpectAsync(2, "status", "PR-1\nX")).Error, StringComparison.Ordinal);
        Assert.Contains("not a valid PR id", (await world.ExpectAsync(2, "claim", "PR-{001}", "--agent", "a1")).Error, StringComparison.Ordinal);
        await world.ExpectAsync(2, "claim", "PR-001", "--agent", "a{1}");
        await world.ExpectAsync(2, "claim", "PR-001", "--agent", "a\nb");
        await world.ExpectAsync(2, "log", "PR-../../etc");
        Assert.Contains("not a state", (await world.ExpectAsync(2, "transition", "PR-001", "done", "--agent", "a1")).Error, StringComparison.Ordinal);
        Assert.Contains("PR-999", (await world.ExpectAsync(2, "status", "PR-999")).Error, StringComparison.Ordinal);
        await world.ExpectAsync(2, "heartbeat", "PR-001", "--agent", "a1", "--lease", "not-a-lease");
        await world.ExpectAsync(2, "heartbeat", "PR-001", "--agent", "a1", "--lease", "1:x", "--every", "soon");

        // 3 invalid transition: ready → approved; a claim of an approved PR; a blocked PR's claim.
        Assert.Contains("ready → approved", (await world.ExpectAsync(3, "transition", "PR-001", "approved", "--agent", "a1")).Error, StringComparison.Ordinal);
        await world.ExpectAsync(3, "claim", "PR-005", "--agent", "a1");
        await world.ExpectAsync(3, "claim", "PR-002", "--agent", "a1");

        // 4 lease conflict: a held PR; a foreign agent; a stale lease after release.
        using var claim = JsonDocument.Parse((await world.ExpectAsync(0, "claim", "PR-001", "--agent", "a1", "--json")).Out);
        var lease = claim.RootElement.GetProperty("lease").GetString()!;
        Assert.Contains("held by a1", (await world.ExpectAsync(4, "claim", "PR-001", "--agent", "a2")).Error, StringComparison.Ordinal);
        await world.ExpectAsync(4, "transition", "PR-001", "completed", "--agent", "a2", "--lease", lease);
        await world.ExpectAsync(4, "transition", "PR-001", "completed", "--agent", "a1");
        await world.ExpectAsync(4, "release", "PR-001", "--agent", "a2", "--lease", lease);
        var head = world.Repo.Head();
        await world.ExpectAsync(0, "release", "PR-001", "--agent", "a1", "--lease", lease);
        await world.ExpectAsync(4, "heartbeat", "PR-001", "--agent", "a1", "--lease", lease);
        await world.ExpectAsync(4, "transition", "PR-001", "completed", "--agent", "a1", "--lease", lease);
        await world.ExpectAsync(4, "transition", "PR-001", "investigating", "--agent", "a1", "--lease", lease);
        Assert.Equal(head, world.Repo.Head());

        // A newer claim's lease is refused as the old one's stand-in, and vice versa.
        using var again = JsonDocument.Parse((await world.ExpectAsync(0, "claim", "PR-001", "--agent", "a1", "--json")).Out);
        Assert.True(again.RootElement.GetProperty("fence").GetInt64() > claim.RootElement.GetProperty("fence").GetInt64());
        await world.ExpectAsync(4, "transition", "PR-001", "completed", "--agent", "a1", "--lease", lease);
        Assert.Equal("in-progress", JsonDocument.Parse((await world.ExpectAsync(0, "status", "PR-001", "--json")).Out).RootElement.GetProperty("hotState").GetString());

        // 69: no hub at that address.
        var closed = ClosedPort();
        var unavailable = await world.RunAsync("status", "--hub", $"http://127.0.0.1:{closed}");
        Assert.True(unavailable.ExitCode == 69, unavailable.ToString());
        Assert.Contains($"no hub answers at http://127.0.0.1:{closed}", unavailable.Error, StringComparison.Ordinal);
        var claimUnavailable = await world.RunWithAsync(new Dictionary<string, string> { ["THERMO_HUB"] = $"http://127.0.0.1:{closed}" }, "claim", "PR-004", "--agent", "a1");
        Assert.Equal(69, claimUnavailable.ExitCode);
        await world.ExpectAsync(2, "status", "--hub", "ftp://example.com");

        // 65: someone commits a broken task list; cold commits are refused, hot ones and reads go on.
        world.Repo.WriteFile(ContractTaskList.Path, ContractTaskList.Broken);
        world.Repo.CommitFiles("A bad hand edit", ContractTaskList.Path);
        var broken = await world.ExpectAsync(65, "transition", "PR-004", "blocked", "--agent", "a1");
        Assert.Contains("does not parse", broken.Error, StringComparison.Ordinal);
        Assert.Contains("task-list.md", broken.Error, StringComparison.Ordinal);
        await world.ExpectAsync(65, "transition", "PR-001", "completed", "--agent", "a1", "--lease", again.RootElement.GetProperty("lease").GetString()!);
        await world.ExpectAsync(0, "status");
        Assert.Equal("A bad hand edit", world.CommitTitles()[0]);

        // Fixed and committed again: cold commits flow.
        world.Repo.WriteFile(ContractTaskList.Path, world.Repo.Show("HEAD~1", ContractTaskList.Path));
        world.Repo.CommitFiles("Fix the hand edit", ContractTaskList.Path);
        await world.ExpectAsync(0, "transition", "PR-001", "completed", "--agent", "a1", "--lease", again.RootElement.GetProperty("lease").GetString()!);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
