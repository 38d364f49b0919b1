using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Thermocline.ColdStore.History;
using Thermocline.Domain.TaskLists;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;
using Xunit.Abstractions;

namespace Thermocline.Hub.Tests.Soak;

/// <summary>
/// Agents claim and finish PRs through the real <c>thermo</c> binary while a scripted person works in the same
/// repository with plain git (<see cref="ScriptedPerson"/>). Afterwards every acknowledged milestone is on the hub's
/// branch, the task list parses, a dry-run reconciliation is clean, fences in the milestone commits strictly increase
/// per PR, and the person's commits are all there. <c>scripts/soak.sh</c> runs it longer (THERMO_SOAK_FACTOR).
/// </summary>
public sealed partial class SharedRepositorySoakTests(ITestOutputHelper output)
{
    private const int Prs = 30;
    private const int Agents = 3;

    private static readonly int SoakFactor =
        int.TryParse(Environment.GetEnvironmentVariable("THERMO_SOAK_FACTOR"), out var factor) && factor > 0 ? factor : 1;

    private sealed record Acknowledged(string PrId, string To, long Fence, string Commit);

    [Fact]
    public async Task AgentsAndAPersonWithPlainGit_ShareTheRepository_NoAcknowledgedMilestoneLost()
    {
        using var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, TaskListText());
        var clone = Path.Combine(repo.Root, "clone");
        repo.Git("clone", "-q", repo.WorkDir, clone);
        repo.Git("-C", clone, "config", "user.name", "Someone Else");
        repo.Git("-C", clone, "config", "user.email", "else@example.com");
        await using var hub = await TestHubs.StartAsync(repo.ConfigHome, repo.WorkDir, []);
        var env = new Dictionary<string, string> { ["THERMO_HUB"] = hub.LocalUrl };
        var person = new ScriptedPerson(repo, clone, TaskList.DefaultPath, Prs, new Random(20261201));
        var acknowledged = new ConcurrentBag<Acknowledged>();
        var unexpected = new ConcurrentBag<string>();
        var busy = 0;
        var restoredSeen = 0;

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(40 * SoakFactor));
        var agents = Enumerable.Range(0, Agents).Select(a => Task.Run(async () =>
        {
            var agent = $"soak-agent-{a}";
            for (var pr = a + 1; pr <= Prs && !deadline.IsCancellationRequested; pr += Agents)
            {
                var id = $"PR-{pr:D3}";
                foreach (var (claimAs, to) in new[] { ("in-progress", "completed"), ("under-review", "approved") })
                {
                    var claim = await UntilNotBusyAsync(["claim", id, "--agent", agent, "--state", claimAs, "--json"]);
                    if (claim is null)
                    {
                        break; // the time is up
                    }

                    if (claim.ExitCode != 0)
                    {
                        unexpected.Add($"claim {id} as {claimAs}: {claim}");
                        break;
                    }

                    var lease = JsonDocument.Parse(claim.Out).RootElement.GetProperty("lease").GetString()!;
                    var done = await UntilNotBusyAsync(["transition", id, to, "--agent", agent, "--lease", lease, "--json"]);
                    if (done is null)
                    {
                        break;
                    }

                    if (done.ExitCode != 0)
                    {
                        unexpected.Add($"transition {id} to {to}: {done}");
                        break;
                    }

                    var view = JsonDocument.Parse(done.Out).RootElement;
                    acknowledged.Add(new Acknowledged(id, to, view.GetProperty("fence").GetInt64(), view.GetProperty("commit").GetString()!));
                }
            }

            // Runs thermo again while the hub says a person's git is in the way (exit 69), as an agent would. A claim refused
            // as invalid right after the agent's own milestone (exit 3) met the moment between a person's merge --abort
            // taking the branch back past it and the hub committing it again; it is tried again a few times.
            async Task<ThermoRun?> UntilNotBusyAsync(string[] args)
            {
                for (var invalid = 0; !deadline.IsCancellationRequested;)
                {
                    var run = await Thermo.RunAsync(repo.ConfigHome, repo.WorkDir, args, env);
                    if (run.ExitCode == 3 && args[0] == "claim" && args.Contains("under-review") && ++invalid <= 10)
                    {
                        Interlocked.Increment(ref restoredSeen);
                        await Task.Delay(300);
                        continue;
                    }

                    if (run.ExitCode != 69)
                    {
                        return run;
                    }

                    Interlocked.Increment(ref busy);
                    await Task.Delay(100);
                }

                return null;
            }
        })).ToList();

        while (!deadline.IsCancellationRequested && agents.Any(t => !t.IsCompleted))
        {
            await person.ActAsync(CancellationToken.None);
        }

        await Task.WhenAll(agents);
        output.WriteLine($"person: {string.Join(", ", person.Done.Select(d => $"{d.Key} ×{d.Value}"))}; {acknowledged.Count} milestones acknowledged; {busy} busy answers (exit 69) retried; {restoredSeen} claims that met a milestone dropped and not yet restored; stale copies met by git: {person.StaleCopiesSeen}; merges that raced a hub commit concluded with git commit: {person.MergesConcluded}, aborts git refused: {person.AbortsRefused}; rebases aborted because the branch moved as they started: {person.RebasesRaced}; commits/merges of the person's that raced a hub commit and were run again: {person.MergesRaced}; pulls run again: {string.Join(" | ", person.RetriedPulls)}");
        Assert.True(unexpected.IsEmpty, string.Join("\n\n", unexpected) + "\n--- hub log\n" + hub.Log + "\n--- the cold state of each PR named, commit by commit\n"
            + string.Join("\n", unexpected.Select(u => PrId().Match(u).Value).Distinct().Select(pr => ColdStateHistory(repo, pr))));
        Assert.True(acknowledged.Count >= 10, $"only {acknowledged.Count} milestones were acknowledged");

        // After the last change settled — the watcher repairs what a racing checkout left, and commits again, within about a
        // second, a milestone that the person's last merge or commit undid — the working copy is clean and main holds
        // every PR's last acknowledged state.
        var lastAcknowledged = acknowledged.GroupBy(m => m.PrId).Select(g => g.MaxBy(m => m.Fence)!).ToList();
        await Eventually.ReturnsAsync(() => Task.FromResult(repo.Status()), s => s.Length == 0, "git status is clean");
        var settleBy = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string mismatches;
        while ((mismatches = Mismatches(TaskList.Parse(Encoding.UTF8.GetBytes(repo.Show("main", TaskList.DefaultPath))), lastAcknowledged)).Length > 0 && DateTime.UtcNow < settleBy)
        {
            await Task.Delay(100);
        }

        Assert.True(mismatches.Length == 0, $"main lost acknowledged milestones: {mismatches}\n--- hub log\n{hub.Log}\n--- the cold state of each, commit by commit\n"
            + string.Join("\n", PrId().Matches(mismatches).Select(m => m.Value).Distinct().Select(pr => ColdStateHistory(repo, pr))));
        var history = MilestoneMessages(repo);
        output.WriteLine($"milestones committed again by the hub (a person's reset, abort or stale-copy commit undid them): {history.Count(h => h.Restored)}");
        foreach (var m in acknowledged)
        {
            Assert.True(
                history.Any(h => h.PrId == m.PrId && h.To == m.To && h.Lease == m.Fence),
                $"{m.PrId} → {m.To} (fence {m.Fence}, acknowledged as {m.Commit[..10]}) is not on main");
        }

        var list = TaskList.Parse(Encoding.UTF8.GetBytes(repo.Show("main", TaskList.DefaultPath)));
        Assert.False(list.HasErrors, list.DescribeErrors(TaskList.DefaultPath));
        foreach (var last in lastAcknowledged)
        {
            Assert.Equal(last.To, Domain.States.StateNames.Of(list.Find(last.PrId)!.ColdState));
        }

        // A milestone committed again (a merge undid it) repeats its fence; every other one is new.
        foreach (var pr in history.Where(h => !h.Restored).GroupBy(h => h.PrId))
        {
            var fences = pr.Select(h => h.Lease).ToList();
            Assert.True(fences.Zip(fences.Skip(1)).All(p => p.First < p.Second), $"{pr.Key}'s fences on main do not strictly increase: {string.Join(", ", fences)}");
        }

        var titles = repo.Git("log", "--format=%s", "main").Split('\n').ToHashSet(StringComparer.Ordinal);
        Assert.All(person.Commits, title => Assert.Contains(title, titles));
        var reconcile = await Thermo.RunAsync(repo.ConfigHome, repo.WorkDir, ["reconcile", "--dry-run", "--json"], env);

        // The issue's Show: the audit of main is clean; whatever cold states the person's stale copies undid are
        // warnings (bypassed the hub), never violations.
        using (var gitHistory = GitHistory.Open(repo.WorkDir, "main"))
        {
            var audit = (await gitHistory.ReplayAsync(null, null, CancellationToken.None)).Report;
            output.WriteLine($"audit: {audit.Summary}");
            foreach (var w in audit.Warnings)
            {
                output.WriteLine($"  warning {w.Sha[..10]} {w.Kind}: {w.Problem}");
            }

            Assert.True(audit.IsClean, string.Join("\n", audit.Violations.Select(v => $"{v.Sha[..10]} {v.Kind} {v.Problem}")));
        }

        Assert.True(reconcile.ExitCode == 0 && JsonDocument.Parse(reconcile.Out).RootElement.GetProperty("clean").GetBoolean(), reconcile.ToString());
    }

    // Milestone commits on main, oldest first: PR, target state and the lease's fence from each message.
    private static List<(string PrId, string To, long Lease, bool Restored)> MilestoneMessages(TempGitRepository repo)
    {
        var raw = repo.Git("log", "--reverse", "--topo-order", "--format=%B%x1e", "main");
        var found = new List<(string, string, long, bool)>();
        foreach (var message in raw.Split('\x1e'))
        {
            var title = MilestoneTitle().Match(message.Trim());
            var lease = LeaseLine().Match(message);
            if (title.Success && lease.Success)
            {
                found.Add((title.Groups[1].Value, title.Groups[2].Value, long.Parse(lease.Groups[1].Value, CultureInfo.InvariantCulture), message.Contains("\nRestored: ", StringComparison.Ordinal)));
            }
        }

        return found;
    }

    // "PR-012: main says completed, acknowledged approved (fence 31)" for each PR main does not show as last acknowledged.
    private static string Mismatches(TaskList list, IEnumerable<Acknowledged> last) => list.HasErrors
        ? list.DescribeErrors(TaskList.DefaultPath)
        : string.Join("; ", last
            .Where(m => list.Find(m.PrId) is not { } pr || Domain.States.StateNames.Of(pr.ColdState) != m.To)
            .Select(m => $"{m.PrId}: main says {(list.Find(m.PrId) is { } pr ? Domain.States.StateNames.Of(pr.ColdState) : "nothing")}, acknowledged {m.To} (fence {m.Fence}, {m.Commit[..10]})"));

    // Each commit on any branch, newest first, with the PR's cold state in it: where a milestone went.
    private static string ColdStateHistory(TempGitRepository repo, string prId)
    {
        var sb = new StringBuilder($"{prId}:\n");
        foreach (var line in repo.Git("log", "--all", "--topo-order", "-80", "--format=%h %p|%an|%s").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var sha = line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var (code, text, _) = repo.TryGit("show", $"{sha}:{TaskList.DefaultPath}");
            var state = code == 0 ? TaskList.Parse(Encoding.UTF8.GetBytes(text)).Find(prId)?.ColdState.ToString() ?? "-" : "?";
            sb.Append(CultureInfo.InvariantCulture, $"  {state,-10} {line}\n");
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"PR-\d+")]
    private static partial Regex PrId();

    [GeneratedRegex(@"^(PR-\d+): [a-z-]+ → ([a-z-]+)\n")]
    private static partial Regex MilestoneTitle();

    [GeneratedRegex(@"\n- Lease: (\d+)\n")]
    private static partial Regex LeaseLine();

    private static string TaskListText()
    {
        var sb = new StringBuilder("# Task List\n\nShared by agents and a person.\n\n---\n\n");
        for (var i = 1; i <= Prs; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"### PR-{i:D3}: Work item {i}\n\n---\npr_id: PR-{i:D3}\ntitle: Work item {i}\ncold_state: ready\npriority: medium\ndependencies: []\n---\n\n**Description:** PR-{i:D3} as first written.\n\n");
        }

        return sb.ToString();
    }
}
