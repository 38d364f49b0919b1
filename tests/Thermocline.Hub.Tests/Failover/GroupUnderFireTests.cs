using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Thermocline.Hub.Tests.Crash;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;
using Xunit.Abstractions;

namespace Thermocline.Hub.Tests.Failover;

/// <summary>
/// Issue #15's whole topology under fire: a real Redis Cluster (3 masters, 3 replicas), a bare repository as the
/// remote, two <c>thermo hub</c> processes on two clones (one active, one standing by), and 8 agents working through the
/// real <c>thermo</c> binary with <c>THERMO_HUB</c> naming both hubs. In turn: a Redis master killed (its replica
/// promoted), the active hub killed (the standby takes over), a person's push to the remote, the remote away for a
/// while — the load going on through each. After each: every acknowledged milestone is on the remote's branch exactly
/// once, no PR was held by two agents at once (as the agents saw it, and as the fences in the commits show it), and a
/// dry-run reconciliation finds nothing.
/// </summary>
[Collection(CrashTestGroup.Name)]
public sealed class GroupUnderFireTests(RedisClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    private const int Agents = 8;
    private const int Prs = 16;
    private const string PersonsPr = "PR-017";

    private static readonly Dictionary<string, string> Fast = new()
    {
        ["THERMO_LEADER_TTL_SECONDS"] = "2",
        ["THERMO_FETCH_INTERVAL_SECONDS"] = "1",
    };

    private static readonly int Seed =
        int.TryParse(Environment.GetEnvironmentVariable("THERMO_LOAD_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 20261215;

    [Fact]
    public async Task EightAgents_MasterKilled_ActiveHubKilled_PersonPushes_RemoteAway_EachAcknowledgedMilestoneOnTheRemoteOnce_NoPrHeldTwice()
    {
        output.WriteLine($"seed {Seed} (THERMO_LOAD_SEED={Seed} repeats the agents' choices)");
        var watch = Stopwatch.StartNew();
        await using var group = await HubGroup.StartAsync(cluster, TaskList(), Fast);
        using var person = TempGitRepository.Clone(group.Bare);
        var load = new GroupLoad(group, Seed);
        var ledger = load.Ledger;
        output.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s: cluster and two hubs up (A {group.A.Url} active, B {group.B.Url} standing by)");
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(Agents, stop.Token);
        var passed = false;
        try
        {
            // (1) Steady load.
            ledger.Phase = "steady";
            await UntilAsync(() => ledger.Milestones.Count >= 6, "6 milestones were acknowledged under steady load");
            await CheckAsync(group, load, "steady");

            // (2) A Redis master killed: the one serving the group's leader lease (and a third of the PRs).
            ledger.Phase = "master killed";
            var victim = await cluster.Cluster.KillMasterOfAsync($"{group.KeyPrefix}hubs:{{leader}}:lease");
            var killedAt = ledger.Now;
            var promotion = await cluster.Cluster.WaitForPromotionAsync(victim);
            output.WriteLine($"redis master on port {victim.Port} killed; its replica promoted after {promotion.TotalSeconds:0.0} s");
            await UntilAsync(() => ledger.Milestones.Count(m => m.Sent > killedAt + promotion.TotalMilliseconds) >= 3, "the load went on after the promotion");
            await CheckAsync(group, load, "master killed");

            // (3) The active hub killed (SIGKILL): the other takes over within a few seconds of its lease lapsing.
            ledger.Phase = "hub killed";
            var active = await group.ActiveAsync() ?? throw new InvalidOperationException("no hub is active\n" + group.Logs());
            var standby = group.Members.Single(m => m != active);
            var hubKilled = Stopwatch.StartNew();
            await active.Process.KillAsync();
            await Eventually.ReturnsAsync(() => HubGroup.HealthAsync(standby), h => h.GetProperty("role").GetString() == "active", "the standby took over", TimeSpan.FromSeconds(30));
            var failover = hubKilled.Elapsed;
            var tookOverAt = ledger.Now;
            output.WriteLine($"active hub {active.Url} killed; {standby.Url} took over after {failover.TotalSeconds:0.0} s");
            Assert.True(failover < TimeSpan.FromSeconds(15), $"the failover took {failover.TotalSeconds:0.0} s\n{group.Logs()}");
            await UntilAsync(() => ledger.Milestones.Count(m => m.Sent > tookOverAt) >= 3, "milestones were acknowledged by the hub that took over");
            await CheckAsync(group, load, "hub killed");

            // (4) A person adds a PR and pushes it to the remote while the agents work, retrying as a person would.
            ledger.Phase = "person pushes";
            var (sha, races) = await PersonPushesAsync(person);
            output.WriteLine($"the person's push landed after {races} lost race(s)");
            await Eventually.ReturnsAsync(
                () => group.RunAsync(standby, "status", PersonsPr, "--json"),
                r => r.ExitCode == 0 && JsonDocument.Parse(r.Out).RootElement.GetProperty("coldState").GetString() != "new",
                "the hub fetched the person's PR and the dependency engine moved it on", TimeSpan.FromSeconds(20));
            var pushedAt = ledger.Now;
            await UntilAsync(() => ledger.Milestones.Count(m => m.Sent > pushedAt) >= 2, "the load went on after the person's push");
            var remote = await CheckAsync(group, load, "person pushes");
            Assert.True(remote.Shas.Contains(sha), $"the person's commit {sha[..10]} is not on the remote's main any more");

            // (5) The remote away: milestones refused with 69 (nothing acknowledged), hot work goes on; then it comes back.
            ledger.Phase = "remote away";
            var away = group.Bare + ".away";
            Directory.Move(group.Bare, away);
            var blockedAt = ledger.Now;
            try
            {
                await UntilAsync(() => ledger.Outcomes("milestone", 69, "remote away") >= 3 && ledger.Leases.Count(l => l.ClaimSent > blockedAt) >= 2, "milestones were refused and claims went on while the remote was away");
                var health = await HubGroup.HealthAsync(standby);
                Assert.Equal("degraded", health.GetProperty("status").GetString());
                Assert.False(string.IsNullOrEmpty(health.GetProperty("remoteProblem").GetString()));
            }
            finally
            {
                Directory.Move(away, group.Bare);
            }

            var unblockedAt = ledger.Now;
            var duringBlock = ledger.Milestones.Where(m => m.Sent > blockedAt && m.Answered < unblockedAt && !m.NoOp).ToList();
            Assert.True(duringBlock.Count == 0, "milestones acknowledged while the remote was away: " + string.Join("; ", duringBlock));
            ledger.Phase = "remote back";
            await Eventually.ReturnsAsync(() => HubGroup.HealthAsync(standby), h => h.GetProperty("status").GetString() == "ok", "the hub found the remote back", TimeSpan.FromSeconds(20));
            await UntilAsync(() => ledger.Milestones.Count(m => m.Sent > unblockedAt) >= 3, "milestones were acknowledged again once the remote was back");
            await CheckAsync(group, load, "remote back");
            passed = true;
        }
        finally
        {
            await stop.CancelAsync();
            load.Resume();
            await running;
            foreach (var line in ledger.Summary())
            {
                output.WriteLine(line);
            }

            foreach (var lease in ledger.Leases.Where(l => l.Ending is not null && !l.Ending.StartsWith("milestone", StringComparison.Ordinal) && l.Ending != "released"))
            {
                output.WriteLine($"not ended by its holder: {lease}");
            }

            var (median, p90) = ledger.CommandTimes();
            output.WriteLine($"{ledger.Leases.Count} leases, {ledger.Milestones.Count} acknowledged milestones in {watch.Elapsed.TotalSeconds:0.0} s; a command took {median:0} ms (median), {p90:0} ms (p90)");
            if (!passed)
            {
                foreach (var line in ledger.LastErrors())
                {
                    output.WriteLine(line);
                }

                output.WriteLine(group.Logs());
            }
        }
    }

    // Holds the agents, then checks the remote against what they were told, and a dry-run reconciliation on the active hub.
    private async Task<RemoteMilestones> CheckAsync(HubGroup group, GroupLoad load, string phase)
    {
        await load.PauseAsync();
        try
        {
            var remote = RemoteMilestones.Read(group.Git);
            var problems = remote.NotThereExactlyOnce(load.Ledger.Milestones)
                .Concat(remote.FenceViolations())
                .Concat(remote.UnknownLeases(load.Ledger.Leases))
                .Concat(load.Ledger.DoubleHolds())
                .Concat(load.Ledger.Unexpected)
                .ToList();
            Assert.True(problems.Count == 0, $"after '{phase}':\n{string.Join("\n", problems)}\n{group.Logs()}");

            var active = await group.ActiveAsync() ?? throw new InvalidOperationException($"after '{phase}': no hub is active\n{group.Logs()}");
            var dryRun = await group.ExpectAsync(active, 0, "reconcile", "--dry-run", "--json");
            var report = JsonDocument.Parse(dryRun.Out).RootElement;
            Assert.True(
                report.GetProperty("conflicts").GetArrayLength() == 0 && report.GetProperty("skipped").ValueKind == JsonValueKind.Null,
                $"after '{phase}': the dry-run reconciliation found {dryRun.Out}");
            output.WriteLine($"{load.Ledger.Now / 1000:0.0} s, after '{phase}': {load.Ledger.Milestones.Count} acknowledged milestones, each on the remote once; {remote.Milestones.Count} milestone commits; {load.Ledger.Leases.Count} leases, none overlapping; reconciliation clean");
            return remote;
        }
        finally
        {
            load.Resume();
        }
    }

    // A person adds a PR in their own clone and pushes; a push that lost the race is pulled (rebased) and pushed again,
    // as a person would, a bounded number of times. Returns the commit that landed and the races lost.
    private static async Task<(string Sha, int Races)> PersonPushesAsync(TempGitRepository person)
    {
        const int Attempts = 10;
        await Task.Run(() => person.Git("pull", "-q", "--rebase"));
        var text = person.ReadFile(ContractTaskList.Path);
        var first = text.IndexOf("### PR-001:", StringComparison.Ordinal);
        person.WriteFile(ContractTaskList.Path, text.Insert(first, $"### {PersonsPr}: A person's idea\n\n---\npr_id: {PersonsPr}\ntitle: A person's idea\ncold_state: new\npriority: high\ndependencies: []\n---\n\nAdded by hand.\n\n"));
        person.CommitFiles($"Add {PersonsPr}", ContractTaskList.Path);
        var lost = new List<string>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var push = await Task.Run(() => person.TryGit("push", "-q", "origin", "main"));
            if (push.ExitCode == 0)
            {
                return (person.Head(), attempt);
            }

            lost.Add(push.Stderr.Trim());
            await Task.Delay(300);
            var pull = await Task.Run(() => person.TryGit("pull", "-q", "--rebase"));
            Assert.True(pull.ExitCode == 0, $"the person's git pull --rebase failed: {pull.Stderr}");
        }

        Assert.Fail($"the person's push lost {Attempts} races in a row against the hub's pushes (git pull --rebase && git push each time):\n{string.Join("\n", lost)}");
        return default;
    }

    private static Task UntilAsync(Func<bool> condition, string what) => Eventually.TrueAsync(condition, what, TimeSpan.FromSeconds(45));

    // 16 PRs: twelve ready, four new that wait on one of the first four (the hub blocks them at start, a milestone unblocks them).
    private static string TaskList() =>
        TaskListGenerator.Uniform(Prs, i => i > 12 ? "new" : "ready", i => i > 12 ? [i - 12] : []);
}
