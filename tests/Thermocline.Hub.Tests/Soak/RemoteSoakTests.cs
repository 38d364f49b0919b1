using System.Text.RegularExpressions;
using Thermocline.Cli.Client;
using Thermocline.ColdStore.History;
using Thermocline.Hub.Api;
using Thermocline.Hub.Tests.Crash;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;
using Xunit.Abstractions;

namespace Thermocline.Hub.Tests.Soak;

/// <summary>
/// Issue #15's shared remote under load: 8 agents drive the real hub (<c>--remote origin</c>) with claims, hot steps
/// and milestones while a person pushes to the remote from their own clone (a title edit of the task list and other
/// files) and the remote goes away for a while. Afterwards every acknowledged milestone is in the remote's branch,
/// exactly once; the fences in the commits never show a PR held by two agents at once (the audit); a dry-run
/// reconciliation is clean.
/// </summary>
[Collection(CrashTestGroup.Name)]
public sealed partial class RemoteSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EightAgents_PersonPushingAndTheRemoteAway_EveryAcknowledgedMilestoneOnTheRemoteExactlyOnce()
    {
        var list = TaskListGenerator.Generate(24, 53).Replace("cold_state: blocked\n", "cold_state: new\n", StringComparison.Ordinal);
        await using var world = HubWorld.Create(Store.Embedded, null, list);
        var bare = world.Repo.PublishToBare();
        using var person = TempGitRepository.Clone(bare);
        var hub = await world.StartHubWithAsync(new Dictionary<string, string> { ["THERMO_FETCH_INTERVAL_SECONDS"] = "1" }, "--remote", "origin");

        // The title edit is pushed before the hub fetches it: the hub's first push loses its race and is re-applied on top.
        var titleEdit = PersonPushes(person, t => TitleLine().Replace(t, m => m.Value + " (renamed)", 1), "Rename the first PR");
        var workload = new CrashWorkload(new Uri(hub.LocalUrl), seed: 53, carryOnWhenRefused: true);
        using var stop = new CancellationTokenSource();
        var running = workload.RunAsync(8, stop.Token);

        await Task.Delay(2000);
        var notes = PersonPushes(person, null, "A person's notes");
        await Task.Delay(1500);
        var away = bare + ".away";
        Directory.Move(bare, away);
        await Task.Delay(3000);
        Directory.Move(away, bare);
        await Task.Delay(3000);
        var more = PersonPushes(person, null, "More notes");
        await Task.Delay(2000);
        await stop.CancelAsync();
        await running;

        person.Git("pull", "-q", "--ff-only", "origin", "main");
        var acknowledged = workload.Acknowledged.ToList();
        output.WriteLine($"{workload.Operations} operations, {acknowledged.Count} acknowledged milestones, {workload.Refused} refused while the remote was away");
        Assert.True(acknowledged.Count > 10, $"the workload should have had milestones acknowledged: {acknowledged.Count}");
        Assert.True(workload.Refused > 0, "some milestones should have been refused while the remote was away");
        foreach (var (prId, to, sha) in acknowledged)
        {
            Assert.True(person.TryGit("merge-base", "--is-ancestor", sha, "origin/main").ExitCode == 0, $"acknowledged milestone {prId} → {to} ({sha}) is not on the remote's main");
        }

        foreach (var theirs in (string[])[titleEdit, notes, more])
        {
            Assert.True(person.TryGit("merge-base", "--is-ancestor", theirs, "origin/main").ExitCode == 0, $"the person's push {theirs} stays on the remote");
        }

        Assert.Contains("(renamed)", person.Show("origin/main", ContractTaskList.Path), StringComparison.Ordinal);

        // Exactly once: no milestone (title and lease) appears twice in the remote's history.
        var milestones = person.Git("log", "--format=%s%x1f%(trailers:key=Lease,valueonly,separator=)%x1e", "origin/main")
            .Split('\x1e', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.Split('\x1f'))
            .Where(f => f.Length == 2 && f[1].Trim().Length > 0)
            .Select(f => (Title: f[0], Lease: f[1].Trim()))
            .ToList();
        var twice = milestones.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => $"{g.Key.Title} (lease {g.Key.Lease}) ×{g.Count()}").ToList();
        Assert.True(twice.Count == 0, "milestones committed twice: " + string.Join("; ", twice));

        // The fences in the commits: every milestone allowed, fences growing per PR (no PR held by two agents at once).
        using (var history = GitHistory.Open(person.WorkDir, "main"))
        {
            var audit = (await history.ReplayAsync(null, null, CancellationToken.None)).Report;
            output.WriteLine($"audit: {audit.Summary}");
            Assert.True(audit.IsClean, string.Join("\n", audit.Violations.Select(v => $"{v.Sha[..10]} {v.Kind} {v.Problem}")));
        }

        using var client = new HubClient(hub.LocalUrl, null);
        await client.ReconcileAsync(new ReconcileRequest(DryRun: false), CancellationToken.None);
        var report = await client.ReconcileAsync(new ReconcileRequest(DryRun: true), CancellationToken.None);
        Assert.True(report.Clean, "dry-run reconciliation: " + string.Join("; ", report.Conflicts.Select(c => $"{c.Kind} {c.PrId} redis={c.Redis} git={c.Git}")) + report.Skipped);
    }

    // The person's push races the hub's: fetched, committed and pushed again until it lands, as a person does. The hub
    // pushes in groups and leaves the remote a moment after each busy second, so the person gets through under load too.
    private string PersonPushes(TempGitRepository person, Func<string, string>? editTaskList, string message)
    {
        for (var attempt = 0; ; attempt++)
        {
            person.Git("fetch", "-q", "origin");
            person.Git("reset", "-q", "--hard", "origin/main");
            string file;
            if (editTaskList is null)
            {
                file = "notes.txt";
                person.WriteFile(file, $"{message} {Guid.NewGuid():N}\n");
            }
            else
            {
                file = ContractTaskList.Path;
                person.WriteFile(file, editTaskList(person.ReadFile(file)));
            }

            var sha = person.CommitFiles(message, file);
            if (person.TryGit("push", "-q", "origin", "main").ExitCode == 0)
            {
                output.WriteLine($"the person's push '{message}' landed after {attempt} lost race(s)");
                return sha;
            }

            Assert.True(attempt < 40, $"the person's push '{message}' lost {attempt + 1} races in a row against the busy hub");
        }
    }

    [GeneratedRegex(@"(?m)^title: [^\n]*")]
    private static partial Regex TitleLine();
}
