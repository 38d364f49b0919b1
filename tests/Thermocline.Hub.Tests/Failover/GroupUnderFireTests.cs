using System.Collections.Concurrent;
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
/// promoted), the active hub killed (the standby takes over; the killed one comes back as a standby), a person's pushes
/// to the remote, the remote away for a while — the load going on through each. After each: every acknowledged
/// milestone is on the remote's branch exactly once, no PR was held by two agents at once (as the agents saw it, and as
/// the fences in the commits show it), and a dry-run reconciliation finds nothing.
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

    private readonly Stopwatch _watch = Stopwatch.StartNew();

    [Fact]
    public async Task EightAgents_MasterKilled_ActiveHubKilled_PersonPushes_RemoteAway_EachAcknowledgedMilestoneOnTheRemoteOnce_NoPrHeldTwice()
    {
        output.WriteLine($"seed {Seed} (THERMO_LOAD_SEED={Seed} repeats the agents' choices; their timing is the machine's)");
        await using var group = await HubGroup.StartAsync(cluster, TaskList(), Fast);
        using var person = TempGitRepository.Clone(group.Bare);
        var load = new GroupLoad(group, Seed);
        var ledger = load.Ledger;
        Say($"cluster and two hubs up: A {group.A.Url} active, B {group.B.Url} standing by");
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(Agents, stop.Token);
        var passed = false;
        try
        {
            ledger.Phase = "steady";
            await UntilAsync(() => ledger.Milestones.Count >= 6, "6 milestones were acknowledged under steady load");
            await CheckAsync(group, load);

            ledger.Phase = "master killed";
            await KillARedisMasterAsync(group, ledger);
            await CheckAsync(group, load);

            ledger.Phase = "hub killed";
            var (survivor, killed) = await KillTheActiveHubAsync(group, ledger);
            await CheckAsync(group, load);

            ledger.Phase = "person pushes";
            var rejoining = group.RestartAsync(killed);
            var landed = await PersonPushesAsync(person);
            await Eventually.ReturnsAsync(
                () => group.RunAsync(group.Urls, "status", PersonsPr, "--json"),
                r => r.ExitCode == 0 && JsonDocument.Parse(r.Out).RootElement.GetProperty("coldState").GetString() != "new",
                "the hub fetched the person's PR and the dependency engine moved it on", TimeSpan.FromSeconds(20));
            var rejoined = await rejoining;
            var role = await Eventually.ReturnsAsync(() => HubGroup.HealthAsync(rejoined), h => h.GetProperty("role").GetString() == "standby", "the killed hub, restarted, stands by");
            Assert.Equal(survivor.Url, role.GetProperty("activeHub").GetString());
            Say($"the killed hub {rejoined.Url} came back as a standby");
            var pushedAt = ledger.Now;
            await UntilAsync(() => ledger.Milestones.Count(m => m.Sent > pushedAt) >= 2, "the load went on after the person's pushes");
            var remote = await CheckAsync(group, load);
            Assert.All(landed, sha => Assert.True(remote.Shas.Contains(sha), $"the person's commit {sha[..10]} is not on the remote's main any more"));

            ledger.Phase = "remote away";
            await TakeTheRemoteAwayAsync(group, survivor, ledger);
            ledger.Phase = "remote back";
            await Eventually.ReturnsAsync(() => HubGroup.HealthAsync(survivor), h => h.GetProperty("status").GetString() == "ok", "the hub found the remote back", TimeSpan.FromSeconds(20));
            var backAt = ledger.Now;
            await UntilAsync(() => ledger.Milestones.Count(m => m.Sent > backAt) >= 2, "milestones were acknowledged again once the remote was back");
            await CheckAsync(group, load);

            // The whole history, judged by git alone once the agents stopped: every hub commit says exactly what it
            // changed, every milestone is in the table and its fence above the PR's last one.
            await stop.CancelAsync();
            await running;
            person.Git("pull", "-q", "--rebase");
            var audit = await Thermo.RunAsync(person.ConfigHome, person.WorkDir, ["audit", "--json"]);
            Assert.True(audit.ExitCode == 0, $"thermo audit of the remote's main: {audit}");
            var judged = JsonDocument.Parse(audit.Out).RootElement;
            Say($"thermo audit of the remote's main: {judged.GetProperty("commits").GetInt32()} commits, {judged.GetProperty("milestones").GetInt32()} milestones, no violation, {judged.GetProperty("warnings").GetInt32()} warning(s)");
            passed = true;
        }
        finally
        {
            await stop.CancelAsync();
            load.Resume();
            await running;
            Report(ledger, passed ? null : group);
        }
    }

    // The master serving the group's leader lease (and a third of the PRs): while its slots are down claims on them are
    // refused and the leader cannot renew; its 2 s lease usually lapses before the promotion, and a hub takes the lead anew.
    private async Task KillARedisMasterAsync(HubGroup group, LoadLedger ledger)
    {
        var leaderBefore = await ActiveHubAsync(group);
        var victim = await cluster.Cluster.KillMasterOfAsync($"{group.KeyPrefix}hubs:{{leader}}:lease");
        var killedAt = ledger.Now;
        using var watching = new CancellationTokenSource();
        var said = new ConcurrentBag<string>();
        var watcher = WatchHealthAsync(group, said, watching.Token);
        var promotion = await cluster.Cluster.WaitForPromotionAsync(victim);
        await watching.CancelAsync();
        await watcher;
        var promotedAt = killedAt + promotion.TotalMilliseconds;
        Say($"redis master on port {victim.Port} killed; its replica promoted after {promotion.TotalSeconds:0.0} s; the hubs said meanwhile: {string.Join(", ", said.Distinct().Order(StringComparer.Ordinal))}");
        await UntilAsync(() => ledger.Milestones.Count(m => m.Sent > promotedAt) >= 3, "the load went on after the promotion");
        var leaderAfter = await ActiveHubAsync(group);
        Say($"the active hub was {leaderBefore.Url} before the kill, {leaderAfter.Url} after it");
    }

    private static async Task WatchHealthAsync(HubGroup group, ConcurrentBag<string> said, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (member, name) in new[] { (group.A, "A"), (group.B, "B") })
            {
                try
                {
                    var h = await HubGroup.HealthAsync(member);
                    said.Add($"{name} {h.GetProperty("role").GetString()} {h.GetProperty("status").GetString()}{(h.GetProperty("redisDegraded").GetBoolean() ? " (redis degraded)" : "")}");
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    said.Add($"{name} not answering");
                }
            }

            try
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // SIGKILL of the active hub: the other takes over within a few seconds of its lease lapsing, and goes on.
    private async Task<(HubGroup.Member Survivor, HubGroup.Member Killed)> KillTheActiveHubAsync(HubGroup group, LoadLedger ledger)
    {
        var active = await ActiveHubAsync(group);
        var standby = group.Members.Single(m => m != active);
        var killed = Stopwatch.StartNew();
        await active.Process.KillAsync();
        await Eventually.ReturnsAsync(() => HubGroup.HealthAsync(standby), h => h.GetProperty("role").GetString() == "active", "the standby took over", TimeSpan.FromSeconds(30));
        var failover = killed.Elapsed;
        var tookOverAt = ledger.Now;
        Say($"active hub {active.Url} killed (SIGKILL); {standby.Url} took over after {failover.TotalSeconds:0.0} s");
        Assert.True(failover < TimeSpan.FromSeconds(15), $"the failover took {failover.TotalSeconds:0.0} s\n{group.Logs()}");
        await UntilAsync(() => ledger.Milestones.Count(m => m.Sent > tookOverAt) >= 3, "milestones were acknowledged by the hub that took over");
        return (standby, active);
    }

    // The bare repository renamed away: milestones refused with 69 (none acknowledged), claims go on; then it is back.
    private static async Task TakeTheRemoteAwayAsync(HubGroup group, HubGroup.Member active, LoadLedger ledger)
    {
        var away = group.Bare + ".away";
        Directory.Move(group.Bare, away);
        var blockedAt = ledger.Now;
        try
        {
            await UntilAsync(
                () => ledger.Outcomes("milestone", 69, "remote away") >= 3 && ledger.Leases.Count(l => l.ClaimSent > blockedAt) >= 2,
                "milestones were refused and claims went on while the remote was away");
            var health = await HubGroup.HealthAsync(active);
            Assert.Equal("degraded", health.GetProperty("status").GetString());
            Assert.False(string.IsNullOrEmpty(health.GetProperty("remoteProblem").GetString()));
        }
        finally
        {
            Directory.Move(away, group.Bare);
        }

        var unblockedAt = ledger.Now;
        var acknowledged = ledger.Milestones.Where(m => m.Sent > blockedAt && m.Answered < unblockedAt && !m.NoOp).ToList();
        Assert.True(acknowledged.Count == 0, "milestones acknowledged while the remote was away: " + string.Join("; ", acknowledged));
    }

    // Holds the agents, then checks the remote against what they were told, and a dry-run reconciliation on the active hub.
    private async Task<RemoteMilestones> CheckAsync(HubGroup group, GroupLoad load)
    {
        var phase = load.Ledger.Phase;
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

            // Through both URLs, as an agent would: the CLI follows to the active hub, also across a change of leader.
            var dryRun = await group.ExpectViaAsync(group.Urls, 0, "reconcile", "--dry-run", "--json");
            var report = JsonDocument.Parse(dryRun.Out).RootElement;
            Assert.True(
                report.GetProperty("conflicts").GetArrayLength() == 0 && report.GetProperty("skipped").ValueKind == JsonValueKind.Null,
                $"after '{phase}': the dry-run reconciliation found {dryRun.Out}");
            Say($"after '{phase}': {load.Ledger.Milestones.Count} acknowledged milestones, each on the remote once ({remote.Milestones.Count} milestone commits); {load.Ledger.Leases.Count} leases, none held twice; reconciliation clean");
            return remote;
        }
        finally
        {
            load.Resume();
        }
    }

    // A person in their own clone: adds a PR, then writes notes twice, pushing each while the agents work. A push that
    // lost the race is followed by `git pull --rebase` and pushed again, as a person would, a bounded number of times.
    private async Task<List<string>> PersonPushesAsync(TempGitRepository person)
    {
        var landed = new List<string>();
        landed.Add(await PushAsync(person, "Add " + PersonsPr, ContractTaskList.Path, text =>
            text.Insert(text.IndexOf("### PR-001:", StringComparison.Ordinal), $"### {PersonsPr}: A person's idea\n\n---\npr_id: {PersonsPr}\ntitle: A person's idea\ncold_state: new\npriority: high\ndependencies: []\n---\n\nAdded by hand.\n\n")));
        landed.Add(await PushAsync(person, "Notes from the stand-up", "docs/notes.md", _ => "# Notes\n\n- the group failed over twice today\n"));
        landed.Add(await PushAsync(person, "More notes", "docs/notes.md", text => text + "- the remote went away for a while\n"));
        return landed;
    }

    private async Task<string> PushAsync(TempGitRepository person, string message, string path, Func<string, string> edit)
    {
        const int Attempts = 10;
        await Task.Delay(500); // a person is not a script
        await Task.Run(() => person.Git("pull", "-q", "--rebase"));
        person.WriteFile(path, edit(File.Exists(person.PathOf(path)) ? person.ReadFile(path) : ""));
        person.CommitFiles(message, path);
        var lost = new List<string>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var push = await Task.Run(() => person.TryGit("push", "-q", "origin", "main"));
            if (push.ExitCode == 0)
            {
                Say($"the person's push '{message}' landed after {attempt} lost race(s)");
                return person.Head();
            }

            lost.Add(push.Stderr.Trim());
            await Task.Delay(300);
            var pull = await Task.Run(() => person.TryGit("pull", "-q", "--rebase"));
            Assert.True(pull.ExitCode == 0, $"the person's git pull --rebase failed: {pull.Stderr}");
        }

        Assert.Fail($"the person's push '{message}' lost {Attempts} races in a row against the hub's pushes (git pull --rebase && git push each time):\n{string.Join("\n", lost)}");
        return "";
    }

    private void Report(LoadLedger ledger, HubGroup? failed)
    {
        foreach (var line in ledger.Summary())
        {
            output.WriteLine(line);
        }

        foreach (var lease in ledger.Leases.Where(l => l.Ending is { } e && e != "milestone" && e != "released"))
        {
            output.WriteLine($"not ended by its holder: {lease}");
        }

        var (median, p90) = ledger.CommandTimes();
        Say($"{ledger.Leases.Count} leases, {ledger.Milestones.Count} acknowledged milestones; a thermo command took {median:0} ms (median), {p90:0} ms (p90)");
        if (failed is not null)
        {
            foreach (var line in ledger.LastErrors())
            {
                output.WriteLine(line);
            }

            output.WriteLine(failed.Logs());
        }
    }

    private static async Task<HubGroup.Member> ActiveHubAsync(HubGroup group) =>
        (await Eventually.ReturnsAsync(group.ActiveAsync, m => m is not null, "a hub of the group is active", TimeSpan.FromSeconds(20)))!;

    private void Say(string what) => output.WriteLine($"{_watch.Elapsed.TotalSeconds,5:0.0} s  {what}");

    private static Task UntilAsync(Func<bool> condition, string what) => Eventually.TrueAsync(condition, what, TimeSpan.FromSeconds(45));

    // 16 PRs: twelve ready, four new that wait on one of the first four (the hub blocks them at start, a milestone unblocks them).
    private static string TaskList() =>
        TaskListGenerator.Uniform(Prs, i => i > 12 ? "new" : "ready", i => i > 12 ? [i - 12] : []);
}
