using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Thermocline.ColdStore;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore;
using Thermocline.HotStore.Connection;
using Thermocline.HotStore.Embedded;
using Thermocline.Sync;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// State sync: recovery (start-up after a crash with Redis empty: hydrate, seed, reconcile, dependency engine) of
/// 1,000 and 10,000 PRs, and a display sync with 100 and 1,000 hot PRs, on embedded Garnet — next to parsing the
/// list alone and a PING round trip, measured in the same run.
/// </summary>
internal sealed partial class SyncBenchmark : IBenchmark
{
    public string Name => "sync";

    public string Description => "recovery of 1,000/10,000 PRs; display sync with 100/1,000 hot PRs (targets: 1k < 100 ms, 10k < 1 s, display 1k < 50 ms)";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        await using var garnet = await EmbeddedGarnet.StartAsync(null, NullLoggerFactory.Instance, cancellationToken);
        Console.WriteLine($"store: embedded Garnet at {garnet.ConnectionString}");
        Console.WriteLine($"{"PRs",7} {"parse",10} {"recovery p50",13} {"p99",10} {"ratio to parse",15}");
        foreach (var count in new[] { 1_000, 10_000 })
        {
            // The generator's list, dependencies and all: the first run settles it (the engine's commit), the later ones
            // recover a settled list with Redis empty, as after a crash — the engine's check included.
            using var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, TaskListGenerator.Generate(count, seed: 5));
            var bytes = File.ReadAllBytes(repo.PathOf(TaskList.DefaultPath));
            var parse = Stats.Of(10, () => TaskList.Parse(bytes));
            var samples = new List<double>();
            for (var run = 0; run < (count >= 10_000 ? 5 : 12); run++)
            {
                // A fresh key prefix is an empty Redis: exactly what a restart after a crash or wipe finds. The cold
                // store is opened anew, as in a new process, so reading and parsing git's task list is included.
                await using var hot = await RedisHotStore.ConnectAsync(new HotStoreOptions { ConnectionString = garnet.ConnectionString, KeyPrefix = $"r{count}-{run}:" }, cancellationToken: cancellationToken);
                var sw = Stopwatch.StartNew();
                await using var cold = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = repo.WorkDir }, cancellationToken: cancellationToken);
                using var sync = new StateSync(cold, hot);
                var report = await sync.StartAsync(cancellationToken);
                samples.Add(sw.Elapsed.TotalMilliseconds);
                if (!report.RecoveredFromCrash || report.Prs != count)
                {
                    throw new InvalidOperationException($"recovery did not run as expected: {report}");
                }
            }

            var recovery = new Stats(samples.Skip(1)); // the first run also warms the JIT and commits nothing less
            Console.WriteLine($"{count,7:N0} {Stats.Ms(parse.Median),10} {Stats.Ms(recovery.Median),13} {Stats.Ms(recovery.P99),10} {Stats.Ratio(recovery.Median, parse.Median),15}");
        }

        Console.WriteLine();
        Console.WriteLine($"{"hot PRs",7} {"display sync p50",17} {"p99",10} {"cold commit p50",16} {"ratio",7}");
        foreach (var hotCount in new[] { 100, 1_000 })
        {
            using var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, AllReady(hotCount + 50));
            await using var cold = await GitColdStore.OpenAsync(
                new ColdStoreOptions { RepositoryPath = repo.WorkDir, DisplayQuietPeriod = TimeSpan.Zero }, cancellationToken: cancellationToken);
            await using var hot = await RedisHotStore.ConnectAsync(new HotStoreOptions { ConnectionString = garnet.ConnectionString, KeyPrefix = $"d{hotCount}:" }, cancellationToken: cancellationToken);
            using var sync = new StateSync(cold, hot);
            await sync.StartAsync(cancellationToken);
            var leases = new Dictionary<string, Thermocline.Domain.Leases.Lease>();
            for (var i = 1; i <= hotCount; i++)
            {
                var id = TaskListGenerator.Id(i);
                leases[id] = (await sync.ClaimAsync(id, $"agent-{i % 32}", HotState.InProgress, cancellationToken)).Lease!;
            }

            // Each round changes who works on one PR, so every display sync has something to commit.
            var display = new List<double>();
            var next = hotCount + 1;
            for (var round = 0; round < 25; round++)
            {
                var leaving = TaskListGenerator.Id(round + 1);
                await sync.ReleaseAsync(leaving, $"agent-{(round + 1) % 32}", leases[leaving], cancellationToken);
                var joining = TaskListGenerator.Id(next++);
                await sync.ClaimAsync(joining, "agent-x", HotState.Investigating, cancellationToken);
                var sw = Stopwatch.StartNew();
                var result = await sync.SyncDisplayAsync(cancellationToken);
                display.Add(sw.Elapsed.TotalMilliseconds);
                if (result?.Outcome != DisplaySyncOutcome.Committed)
                {
                    throw new InvalidOperationException($"display sync did not commit: {result?.Outcome}");
                }
            }

            // Baseline: a milestone commit on the same list, same store.
            var commits = new List<double>();
            for (var i = 0; i < 15; i++)
            {
                var id = TaskListGenerator.Id(hotCount - i);
                var sw = Stopwatch.StartNew();
                await sync.TransitionAsync(id, ColdState.Completed, $"agent-{(hotCount - i) % 32}", leases[id], null, cancellationToken);
                commits.Add(sw.Elapsed.TotalMilliseconds);
            }

            var d = new Stats(display.Skip(3));
            var c = new Stats(commits.Skip(2));
            Console.WriteLine($"{hotCount,7:N0} {Stats.Ms(d.Median),17} {Stats.Ms(d.P99),10} {Stats.Ms(c.Median),16} {Stats.Ratio(d.Median, c.Median),7}");
        }

        Console.WriteLine("recovery = open the git store + StateSync.StartAsync with Redis empty (hydrate, seed fences from history, reconcile, dependency engine);");
        Console.WriteLine("display sync = read hot PRs, render, commit the section (fsync on); cold commit = one milestone through StateSync.");
    }

    // Every PR ready and without dependencies, so any of them can be claimed.
    private static string AllReady(int count)
    {
        var text = TaskListGenerator.Generate(count, seed: 5);
        text = ColdStateLine().Replace(text, "cold_state: ready");
        text = DependencyLine().Replace(text, "dependencies: []");
        return NestedDependency().Replace(text, "");
    }

    [GeneratedRegex(@"cold_state: .*")]
    private static partial Regex ColdStateLine();

    [GeneratedRegex(@"dependencies: \[.*\]")]
    private static partial Regex DependencyLine();

    [GeneratedRegex(@"(?m)^dependencies:\n(  - PR-\d+\n)+")]
    private static partial Regex NestedDependency();
}
