using LibGit2Sharp;
using Thermocline.Cli.Client;
using Thermocline.Cli.Demo;
using Thermocline.ColdStore.History;
using Thermocline.Domain.TaskLists;
using Thermocline.Hub.Api;
using Thermocline.Sync.Reconciliation;
using Thermocline.Testing;
using Xunit.Abstractions;

namespace Thermocline.Hub.Tests.Crash;

/// <summary>
/// The hub runs as its own process under a random mixed workload and is killed with SIGKILL at random instants —
/// and exactly between a git commit and its Redis update — then restarted. After every restart: every milestone it
/// acknowledged is in git, the task list parses, a dry-run reconciliation finds nothing, no hot state survives its
/// holder, the working tree is clean. 32 hub kills in all, plus redis-server killed and restarted empty mid-run.
/// </summary>
[Collection(CrashTestGroup.Name)]
public sealed class HubCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Hub_KilledAtRandomInstantsOnEmbeddedStore_LosesNoAcknowledgedMilestone()
    {
        using var repo = NewRepository(seed: 11);
        await RunRoundsAsync(repo, rounds: 12, seed: 11, round => new Dictionary<string, string>(), redis: null);
    }

    [Fact]
    public async Task Hub_KilledBetweenGitCommitAndRedisUpdate_RecoversFromGit()
    {
        using var repo = NewRepository(seed: 23);
        await RunRoundsAsync(repo, rounds: 8, seed: 23, round => new Dictionary<string, string>
        {
            ["THERMO_FAILPOINT"] = round % 2 == 0 ? $"after-cold-commit:{(round % 3) + 1}" : "after-dependency-commit:1",
        }, redis: null);
    }

    [Fact]
    public async Task Hub_KilledAtRandomInstantsOnRedisServer_HotStateOfGoneHoldersExpires()
    {
        await using var redis = await RedisServer.StartAsync();
        using var repo = NewRepository(seed: 37);
        await RunRoundsAsync(repo, rounds: 8, seed: 37, _ => new Dictionary<string, string>(), redis);
    }

    [Fact]
    public async Task Hub_RedisRestartedEmptyMidRunThenHubKilled_RecoversFromGit()
    {
        await using var redis = await RedisServer.StartAsync();
        using var repo = NewRepository(seed: 41);
        await RunRoundsAsync(repo, rounds: 4, seed: 41, _ => new Dictionary<string, string>(), redis, restartRedisMidRound: true);
    }

    // scripts/soak.sh multiplies the rounds for a longer run; the suite itself runs the base counts.
    private static readonly int SoakFactor =
        int.TryParse(System.Environment.GetEnvironmentVariable("THERMO_SOAK_FACTOR"), out var factor) && factor > 0 ? factor : 1;

    // A list as a team brings it: what waits on dependencies is new, for the engine to block and lift (a block written by
    // a person would stick, and leave the workload little to claim).
    private static TempGitRepository NewRepository(int seed) =>
        TempGitRepository.CreateWith(TaskList.DefaultPath, TaskListGenerator.Generate(24, seed).Replace("cold_state: blocked\n", "cold_state: new\n", StringComparison.Ordinal));

    private async Task RunRoundsAsync(
        TempGitRepository repo, int rounds, int seed, Func<int, Dictionary<string, string>> environmentOf, RedisServer? redis, bool restartRedisMidRound = false)
    {
        rounds *= SoakFactor;
        var random = new Random(seed);
        var acknowledged = new List<(string PrId, string To, string Sha)>();
        var prefix = $"crash{seed}:";
        Dictionary<string, string> Environment(int round)
        {
            var env = environmentOf(round);
            if (redis is not null)
            {
                env["THERMO_REDIS"] = redis.ConnectionString;
                env["THERMO_KEY_PREFIX"] = prefix;
                env["THERMO_HEARTBEAT_TTL_SECONDS"] = "2";
            }

            return env;
        }

        var kills = 0;
        for (var round = 0; round < rounds; round++)
        {
            HubProcess hub;
            try
            {
                hub = await HubProcess.StartAsync(repo.WorkDir, Environment(round), CancellationToken.None);
            }
            catch (Domain.Errors.ThermoclineException ex) when (ex.Message.Contains("exited with 137", StringComparison.Ordinal))
            {
                // An armed failpoint fired during start-up recovery itself (its dependency commit): a crash like any other.
                kills++;
                output.WriteLine($"round {round}: hub killed by its failpoint during start-up recovery");
                continue;
            }

            using var _ = hub;
            await CheckInvariantsAsync(repo, hub, acknowledged, waitForHotToExpire: redis is not null);

            var workload = new CrashWorkload(new Uri(hub.Address), seed * 100 + round);
            using var stop = new CancellationTokenSource();
            var running = workload.RunAsync(agents: 4, stop.Token);
            if (Environment(round).ContainsKey("THERMO_FAILPOINT"))
            {
                // The hub kills itself at the failpoint; give the workload time to get there.
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await hub.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    output.WriteLine($"round {round}: failpoint not reached in 20 s; killing");
                }
            }
            else
            {
                await Task.Delay(random.Next(150, 900));
                if (restartRedisMidRound && redis is not null)
                {
                    await redis.KillAsync();
                    await Task.Delay(random.Next(50, 300));
                    await redis.RestartAsync();
                    await Task.Delay(random.Next(100, 500));
                }
            }

            await hub.KillAsync();
            kills++;
            await stop.CancelAsync();
            await running;
            acknowledged.AddRange(workload.Acknowledged);
            output.WriteLine($"round {round}: {workload.Operations} operations, {workload.Acknowledged.Count} acknowledged milestones, hub killed");
        }

        using (var last = await HubProcess.StartAsync(repo.WorkDir, Environment(rounds), CancellationToken.None))
        {
            await CheckInvariantsAsync(repo, last, acknowledged, waitForHotToExpire: redis is not null);
            Assert.Equal(0, await last.TerminateAsync());
        }

        Assert.Equal(rounds, kills);

        // The Show: the audit over the history the crashes left is clean (every milestone allowed, fences growing).
        using (var history = GitHistory.Open(repo.WorkDir, null))
        {
            var audit = (await history.ReplayAsync(null, null, CancellationToken.None)).Report;
            output.WriteLine($"audit: {audit.Summary}");
            Assert.True(audit.IsClean, string.Join("\n", audit.Violations.Select(v => $"{v.Sha[..10]} {v.Kind} {v.Problem}"))
                + "\n--- git log\n" + repo.Git("log", "--format=%h %cn: %s", "--stat", "-60"));
        }

        Assert.True(acknowledged.Count > 0, $"the workload should have had milestones acknowledged: {acknowledged.Count} in {rounds} rounds");
        output.WriteLine($"{kills} kills, {acknowledged.Count} acknowledged milestones, all in git");
    }

    private static async Task CheckInvariantsAsync(TempGitRepository repo, HubProcess hub, List<(string PrId, string To, string Sha)> acknowledged, bool waitForHotToExpire)
    {
        using var client = new HubClient(hub.Address.ToString(), null);
        using (var git = new Repository(repo.WorkDir))
        {
            var head = git.Head.Tip;
            foreach (var (prId, to, sha) in acknowledged)
            {
                var commit = git.Lookup<Commit>(sha);
                Assert.True(commit is not null && git.ObjectDatabase.FindMergeBase(commit, head)?.Sha == sha, $"acknowledged milestone {prId} → {to} ({sha}) is not in the history of HEAD");
            }

            var blob = (Blob)head[TaskList.DefaultPath].Target;
            using var stream = blob.GetContentStream();
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            var list = TaskList.Parse(bytes.ToArray());
            Assert.False(list.HasErrors, string.Join("\n", list.Diagnostics.Select(d => d.Format("HEAD"))));
        }

        // On an external Redis the holders of the killed round may still be hot, for up to one heartbeat TTL (2 s here):
        // one whose state lapses between this hub's start-up reconciliation and this check is still in the hot index, a
        // stale entry the sweep removes (HeartbeatExpired). Anything else would be git and Redis disagreeing.
        var report = await client.ReconcileAsync(new ReconcileRequest(DryRun: true), CancellationToken.None);
        var disagreements = report.Conflicts.Where(c => !(waitForHotToExpire && c.Kind == nameof(ConflictKind.HeartbeatExpired))).ToList();
        Assert.True(disagreements.Count == 0 && report.Skipped is null,
            "dry-run reconciliation after restart: " + string.Join("; ", disagreements.Select(c => $"{c.Kind} {c.PrId} redis={c.Redis} git={c.Git}")) + report.Skipped);

        // Every holder of the previous round is gone: no hot state may outlive it (at most one heartbeat TTL on an external Redis).
        var deadline = DateTime.UtcNow.AddSeconds(waitForHotToExpire ? 15 : 0);
        List<PrView> hot;
        do
        {
            hot = (await client.ListAsync(CancellationToken.None)).Where(p => p.HotState is not null).ToList();
            if (hot.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }
        while (true);

        Assert.True(hot.Count == 0, "hot states outlived their holders: " + string.Join(", ", hot.Select(p => $"{p.Id} {p.HotState} {p.Agent}")));

        // Every holder has lapsed now: one reconciliation leaves nothing for the next to find.
        await client.ReconcileAsync(new ReconcileRequest(DryRun: false), CancellationToken.None);
        var after = await client.ReconcileAsync(new ReconcileRequest(DryRun: true), CancellationToken.None);
        Assert.True(after.Clean, "dry-run reconciliation after a reconciliation: " + string.Join("; ", after.Conflicts.Select(c => $"{c.Kind} {c.PrId} redis={c.Redis} git={c.Git}")) + after.Skipped);
        Assert.Equal("", repo.Status());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashTestGroup
{
    public const string Name = "hub crash tests";
}
