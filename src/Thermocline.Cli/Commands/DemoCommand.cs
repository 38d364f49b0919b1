using System.ComponentModel;
using System.Diagnostics;
using LibGit2Sharp;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Demo;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo demo</c>: a temporary repository with a generated task list, a hub on the embedded store, simulated
/// agents working the PRs through hot states to approval, the hub killed with SIGKILL in the middle and restarted,
/// then the board and the git log, checked: every milestone the hub acknowledged is in git, nothing else was committed.
/// </summary>
internal sealed class DemoCommand : AsyncCommand<DemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--keep")]
        [Description("Keep the hub running on the demo's repository once the agents are done, so you can look at the board, until Ctrl-C; then keep the repository and print its path (default: stop and delete it).")]
        public bool Keep { get; init; }

        [CommandOption("--workers <N>")]
        [Description("How many worker agents (default 3; 1-16). One reviewer approves their work.")]
        public int Workers { get; init; } = 3;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        if (settings.Workers is < 1 or > 16)
        {
            throw ThermoclineException.Usage($"--workers {settings.Workers} is out of range; use 1 to 16.");
        }

        var clock = Stopwatch.StartNew();
        var repo = Path.Combine(Path.GetTempPath(), $"thermo-demo-{Guid.NewGuid():N}"[..24]);
        try
        {
            CreateRepository(repo);
            streams.Out.WriteLine($"Demo repository: {repo} ({DemoTaskList.Count} PRs, all new, with dependencies)");
            var result = await RunAsync(repo, settings.Workers, settings.Keep, streams, clock, cancellationToken);
            streams.Out.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0}s.{(settings.Keep ? $" Repository kept at {repo}" : "")}");
            return result;
        }
        finally
        {
            if (!settings.Keep)
            {
                DeleteDirectory(repo);
            }
        }
    }

    private static async Task<int> RunAsync(string repo, int workers, bool keep, CliStreams streams, Stopwatch clock, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string> { ["THERMO_DISPLAY_INTERVAL_SECONDS"] = "2" };
        var run = new DemoRun(streams, clock);
        var hub = await HubProcess.StartAsync(repo, environment, cancellationToken);
        try
        {
            run.Say("hub", $"started (pid {hub.Pid}) at {hub.Address}; start-up marked {string.Join(", ", ReadyNow(repo))} ready");
            run.Say("hub", $"the live board: {hub.Address} (open it in a browser to watch the agents)");
            using var firstClient = new HubClient(hub.Address.ToString(), null);
            run.Use(firstClient);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(TimeSpan.FromSeconds(90));
            var agents = Enumerable.Range(1, workers).Select(i => new DemoAgent($"agent-{i}", reviewer: false, run))
                .Append(new DemoAgent("reviewer-1", reviewer: true, run))
                .Select(a => a.RunAsync(stop.Token))
                .ToList();

            // Crash the hub once some work is committed and some is hot.
            while (run.Completed < DemoTaskList.Count / 3)
            {
                await Task.Delay(20, stop.Token);
            }

            var hot = (await firstClient.ListAsync(stop.Token)).Where(p => p.HotState is not null).Select(p => $"{p.Id} ({p.HotState}, {p.Agent})").ToList();
            run.Use(null);
            await hub.KillAsync();
            run.Say("hub", $"KILLED with SIGKILL; hot at that moment: {(hot.Count == 0 ? "nothing" : string.Join(", ", hot))}");
            hub.Dispose();

            hub = await HubProcess.StartAsync(repo, environment, stop.Token);
            using var secondClient = new HubClient(hub.Address.ToString(), null);
            var health = await secondClient.HealthAsync(stop.Token);
            run.Say("hub", $"restarted (pid {hub.Pid}): crash recovery {(health.RecoveredFromCrash == true ? "ran" : "not needed")} in {health.StartupMilliseconds:0} ms; Redis rebuilt from git, agents re-claim what they lost; the board is now at {hub.Address}");
            run.Use(secondClient);

            await Task.WhenAll(agents);
            streams.Out.WriteLine();
            streams.Out.WriteLine("Board:");
            streams.Out.Write(HubAnswers.Board(await secondClient.ListAsync(stop.Token)));
            var reconcile = await secondClient.ReconcileAsync(new ReconcileRequest(DryRun: true), stop.Token);
            if (keep)
            {
                run.Say("hub", $"kept running: the board is at {hub.Address}; press Ctrl-C to stop it");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C: stop the hub as below.
                }
            }

            var exit = await hub.TerminateAsync();
            run.Say("hub", $"stopped with SIGTERM (exit {exit}); a dry-run reconciliation just before found {(reconcile.Clean ? "no conflicts" : string.Join("; ", reconcile.Conflicts.Select(c => $"{c.Kind} {c.PrId}")))}");
            return Verify(repo, run, streams) && reconcile.Clean && exit == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }
        finally
        {
            hub.Dispose();
        }
    }

    // The git log, and the checks: every acknowledged milestone is in history, every commit is a milestone, a
    // dependency update, a display sync or the initial one.
    private static bool Verify(string repoPath, DemoRun run, CliStreams streams)
    {
        using var repo = new Repository(repoPath);
        var commits = repo.Commits.QueryBy(new CommitFilter { SortBy = CommitSortStrategies.Topological }).ToList();
        streams.Out.WriteLine();
        streams.Out.WriteLine($"git log ({commits.Count} commits, newest first):");
        foreach (var c in commits)
        {
            streams.Out.WriteLine($"  {c.Sha[..7]} {c.MessageShort}");
        }

        var shas = commits.Select(c => c.Sha).ToHashSet(StringComparer.Ordinal);
        var missing = run.Acknowledged.Where(a => !shas.Contains(a.Sha)).ToList();
        var milestones = commits.Count(c => System.Text.RegularExpressions.Regex.IsMatch(c.MessageShort, @"^PR-[\w.-]+: [a-z-]+ → [a-z-]+$"));
        var dependencies = commits.Count(c => c.MessageShort.StartsWith("[Dependencies]", StringComparison.Ordinal));
        var displays = commits.Count(c => c.MessageShort.StartsWith("[Display Sync]", StringComparison.Ordinal));
        var other = commits.Count - milestones - dependencies - displays - 1;
        var list = TaskList.Parse(File.ReadAllBytes(Path.Combine(repoPath, TaskList.DefaultPath)));
        var approved = list.Prs.Count(p => p.ColdState == Domain.States.ColdState.Approved);

        streams.Out.WriteLine();
        streams.Out.WriteLine($"{Check(missing.Count == 0)} all {run.Acknowledged.Count} milestones the hub acknowledged are in git{(missing.Count == 0 ? "" : $" — MISSING: {string.Join(", ", missing)}")}");
        streams.Out.WriteLine($"{Check(other == 0)} history is clean: {milestones} milestone, {dependencies} dependency and {displays} display-sync commits; {other} other");
        streams.Out.WriteLine($"{Check(!list.HasErrors && approved == list.Prs.Count)} the task list parses and all {approved}/{list.Prs.Count} PRs are approved");
        return missing.Count == 0 && other == 0 && !list.HasErrors && approved == list.Prs.Count;
    }

    private static string Check(bool ok) => ok ? "ok  " : "FAIL";

    private static IEnumerable<string> ReadyNow(string repoPath) =>
        TaskList.Parse(File.ReadAllBytes(Path.Combine(repoPath, TaskList.DefaultPath))).Prs
            .Where(p => p.ColdState == Domain.States.ColdState.Ready).Select(p => p.Id);

    private static void CreateRepository(string path)
    {
        Directory.CreateDirectory(Path.Combine(path, "docs"));
        Repository.Init(path);
        File.WriteAllText(Path.Combine(path, TaskList.DefaultPath), DemoTaskList.Text());
        using var repo = new Repository(path);
        repo.Index.Add(TaskList.DefaultPath);
        repo.Index.Write();
        var signature = new LibGit2Sharp.Signature("Thermocline demo", "demo@localhost", TimeProvider.System.GetUtcNow());
        repo.Commit("Add the demo task list", signature, signature);
    }

    private static void DeleteDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(path, recursive: true);
    }
}
