using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Thermocline.ColdStore;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.HotStore;
using Thermocline.HotStore.Connection;
using Thermocline.HotStore.Embedded;
using Thermocline.Sync;
using Thermocline.Sync.Status;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// Big task lists through the whole sync layer, on embedded Garnet: the first start on a list the dependency engine has
/// to settle (the generator's lists, as a team brings them), a restart once it is settled, and one milestone that
/// lifts 1,000 dependants — each next to parsing the same list alone and one plain milestone, measured in the same run.
/// </summary>
internal sealed class StartupBenchmark : IBenchmark
{
    public string Name => "startup";

    public string Description => "first start on unsettled 1k/10k lists, restart, a milestone with 1,000 dependants (targets: first start 10k < 2 s, restart < 1 s, 1,000 dependants well under 100 ms)";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        await using var garnet = await EmbeddedGarnet.StartAsync(null, NullLoggerFactory.Instance, cancellationToken);
        Console.WriteLine($"store: embedded Garnet at {garnet.ConnectionString}");
        Console.WriteLine($"{"PRs",7} {"MiB",5} {"changes",8} {"parse",9} {"first start",12} {"ratio",7} {"restart",9} {"ratio",7} {"alloc first",12}");
        var prefix = 0;
        foreach (var count in new[] { 1_000, 10_000 })
        {
            var text = TaskListGenerator.Generate(count, seed: 42);
            var bytes = Encoding.UTF8.GetBytes(text);
            var parse = Stats.Of(5, () => TaskList.Parse(bytes));
            var first = new List<double>();
            var restart = new List<double>();
            var changes = 0;
            long allocated = 0;
            for (var run = 0; run < (count >= 10_000 ? 4 : 6); run++)
            {
                using var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, text);
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var (firstMs, report) = await StartAsync(repo, garnet.ConnectionString, $"s{prefix++}:", cancellationToken);
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                changes = report.DependencyChanges;
                first.Add(firstMs);
                restart.Add((await StartAsync(repo, garnet.ConnectionString, $"s{prefix++}:", cancellationToken)).Ms);
            }

            // The first run also warms the JIT.
            var f = new Stats(first.Skip(1));
            var r = new Stats(restart.Skip(1));
            Console.WriteLine(
                $"{count,7:N0} {bytes.Length / 1048576.0,5:F1} {changes,8:N0} {Stats.Ms(parse.Median),9} {Stats.Ms(f.Median),12} {Stats.Ratio(f.Median, parse.Median),7} " +
                $"{Stats.Ms(r.Median),9} {Stats.Ratio(r.Median, parse.Median),7} {allocated / 1048576.0,9:N0} MiB");
        }

        Console.WriteLine("first start = open the git store + StateSync.StartAsync, Redis empty, the engine settling the list (its changes committed);");
        Console.WriteLine("restart = the same on the settled list. Ratios are to parsing the list alone.");
        Console.WriteLine();
        await DependantsAsync(garnet.ConnectionString, cancellationToken);
    }

    // PR-00001 is in progress and 1,000 of 10,000 PRs wait on it (blocked by the engine at start): completing it is one
    // milestone commit and one dependency commit of 1,000 changes. Baseline: a milestone nothing depends on, same list.
    private static async Task DependantsAsync(string connectionString, CancellationToken cancellationToken)
    {
        const int Count = 10_000;
        var sb = new StringBuilder("# Tasks\n\n");
        for (var i = 1; i <= Count; i++)
        {
            var deps = i is > 1 and <= 1_001 ? "[PR-00001]" : "[]";
            sb.Append($"### PR-{i:D5}: Item {i}\n\n---\npr_id: PR-{i:D5}\ntitle: Item {i}\ncold_state: {(i <= 1_001 ? "new" : "ready")}\npriority: medium\ndependencies: {deps}\n---\n\nSome description of item {i}, long enough to be a real one.\n\n");
        }

        Console.WriteLine($"{"",24} {"p50",9} {"p99",9} {"ratio",7}");
        var lifting = new List<double>();
        var plain = new List<double>();
        for (var run = 0; run < 6; run++)
        {
            using var repo = TempGitRepository.CreateWith(TaskList.DefaultPath, sb.ToString());
            await using var cold = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = repo.WorkDir }, cancellationToken: cancellationToken);
            await using var hot = await RedisHotStore.ConnectAsync(new HotStoreOptions { ConnectionString = connectionString, KeyPrefix = $"d{run}:" }, cancellationToken: cancellationToken);
            using var sync = new StateSync(cold, hot);
            var started = await sync.StartAsync(cancellationToken);
            if (started.DependencyChanges != 1_001)
            {
                throw new InvalidOperationException($"expected the start to block 1,000 PRs and ready PR-00001, got {started.DependencyChanges} changes");
            }

            var plainLease = (await sync.ClaimAsync("PR-05000", "agent-b", HotState.InProgress, cancellationToken)).Lease!;
            var sw = Stopwatch.StartNew();
            await sync.TransitionAsync("PR-05000", ColdState.Completed, "agent-b", plainLease, null, cancellationToken);
            plain.Add(sw.Elapsed.TotalMilliseconds);

            var lease = (await sync.ClaimAsync("PR-00001", "agent-a", HotState.InProgress, cancellationToken)).Lease!;
            sw.Restart();
            var result = await sync.TransitionAsync("PR-00001", ColdState.Completed, "agent-a", lease, null, cancellationToken);
            lifting.Add(sw.Elapsed.TotalMilliseconds);
            if (result.DependencyChanges.Count != 1_000)
            {
                throw new InvalidOperationException($"expected 1,000 dependants lifted, got {result.DependencyChanges.Count}");
            }
        }

        var l = new Stats(lifting.Skip(1));
        var p = new Stats(plain.Skip(1));
        Console.WriteLine($"{"milestone, 1,000 lifted",24} {Stats.Ms(l.Median),9} {Stats.Ms(l.P99),9} {Stats.Ratio(l.Median, p.Median),7}");
        Console.WriteLine($"{"milestone, none lifted",24} {Stats.Ms(p.Median),9} {Stats.Ms(p.P99),9} {"1.00x",7}");
        Console.WriteLine("10,000 PRs; fsync on; the lifted milestone includes its dependency commit and the 1,000 Redis updates.");
    }

    private static async Task<(double Ms, StartupReport Report)> StartAsync(TempGitRepository repo, string connectionString, string prefix, CancellationToken cancellationToken)
    {
        await using var hot = await RedisHotStore.ConnectAsync(new HotStoreOptions { ConnectionString = connectionString, KeyPrefix = prefix }, cancellationToken: cancellationToken);
        var sw = Stopwatch.StartNew();
        await using var cold = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = repo.WorkDir }, cancellationToken: cancellationToken);
        using var sync = new StateSync(cold, hot);
        var report = await sync.StartAsync(cancellationToken);
        return (sw.Elapsed.TotalMilliseconds, report);
    }
}
