using System.Diagnostics;
using System.Globalization;
using LibGit2Sharp;
using Thermocline.ColdStore;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// Cold-commit latency of <see cref="GitColdStore"/> (hot → cold milestones on a 1,000-PR task list, durable)
/// next to a bare libgit2 one-blob commit with the same fsync setting and <c>git commit --only</c> with
/// <c>core.fsync=added</c>, interleaved in the same run on three identical repositories; then the same without
/// fsync (its cost), and packing of the loose objects 200 commits leave. Arguments: <c>[--transitions N] [--prs N]</c>.
/// </summary>
internal sealed class ColdBenchmark : IBenchmark
{
    private const string TaskListPath = "docs/task-list.md";
    private const int Warmup = 10;

    public string Name => "cold";

    public string Description => "cold store: commit p50/p99 on a 1,000-PR list (fsync on/off) vs bare libgit2 and git commit --only; packing";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var transitions = BenchArgs.Int(args, "--transitions", 200);
        var prs = Math.Max(BenchArgs.Int(args, "--prs", 1_000), (transitions * 2) + (Warmup * 2));
        var text = TaskListGenerator.Uniform(prs, _ => "ready", i => i > 1 ? [i - 1] : []);
        var root = Path.Combine(Path.GetTempPath(), "thermocline-cold-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System, ConfigurationLevel.ProgramData })
        {
            GlobalSettings.SetConfigSearchPaths(level, home);
        }

        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"task list: {prs:N0} PRs, {ColdBaselines.Utf8(text).Length / 1024.0:F0} KiB; {transitions} measured commits each after {Warmup} warm-up; temp dir {root}"));
            Console.WriteLine();
            var durable = await MeasureAsync(root, home, "durable", text, transitions, durable: true, firstPr: 1, cancellationToken);
            var volatileRun = await MeasureAsync(root, home, "volatile", text, transitions, durable: false, firstPr: 1, cancellationToken);

            Console.WriteLine();
            Console.WriteLine("fsync cost (durable vs no fsync, same run):");
            Console.WriteLine($"  GitColdStore      p50 {Stats.Ms(durable.Store.Median)} vs {Stats.Ms(volatileRun.Store.Median)} ({Stats.Ratio(durable.Store.Median, volatileRun.Store.Median)})");
            Console.WriteLine($"  bare libgit2      p50 {Stats.Ms(durable.Bare.Median)} vs {Stats.Ms(volatileRun.Bare.Median)} ({Stats.Ratio(durable.Bare.Median, volatileRun.Bare.Median)})");
            Console.WriteLine();
            Console.WriteLine("targets (durable): " +
                $"p50 {Stats.Ms(durable.Store.Median)} < 10 ms {Verdict(durable.Store.Median < 10)}; " +
                $"p99 {Stats.Ms(durable.Store.P99)} < 30 ms {Verdict(durable.Store.P99 < 30)}; " +
                $"p50 ratio to bare libgit2 {Stats.Ratio(durable.Store.Median, durable.Bare.Median)} <= 2x {Verdict(durable.Store.Median <= 2 * durable.Bare.Median)}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(Stats Store, Stats Bare, Stats Cli)> MeasureAsync(
        string root, string home, string label, string text, int transitions, bool durable, int firstPr, CancellationToken cancellationToken)
    {
        var storeDir = await CreateRepoAsync(Path.Combine(root, label + "-store"), home, text, cancellationToken);
        var bareDir = await CreateRepoAsync(Path.Combine(root, label + "-bare"), home, text, cancellationToken);
        var cliDir = await CreateRepoAsync(Path.Combine(root, label + "-cli"), home, text, cancellationToken);
        await using var store = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = storeDir, Durable = durable }, cancellationToken: cancellationToken);
        if (store.IsDurable != durable)
        {
            throw new InvalidOperationException("durability switch did not take");
        }

        using var bare = new ColdBaselines.BareLibgit2(bareDir, TaskListPath);
        var baselineList = TaskList.Parse(ColdBaselines.Utf8(text));
        var storeMs = new List<double>();
        var bareMs = new List<double>();
        var cliMs = new List<double>();
        for (var i = 0; i < Warmup + transitions; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pr = TaskListGenerator.Id(firstPr + i);

            // The edited bytes of the baselines are prepared outside their timing: they measure git only.
            baselineList = baselineList.WithColdState(pr, ColdState.Completed);
            var bytes = baselineList.ToBytes();
            var message = $"{pr}: in-progress → completed\n\nAgent agent-1 finished work on {pr}.\n";

            var sw = Stopwatch.StartNew();
            var commit = await store.CommitTransitionAsync(
                new ColdTransition(pr, HotState.InProgress, ColdState.Completed, "agent-1") { Lease = i + 1, ClaimedFrom = ColdState.Ready },
                cancellationToken);
            var storeElapsed = sw.Elapsed.TotalMilliseconds;
            var bareElapsed = bare.Commit(bytes, message);
            var cliElapsed = await ColdBaselines.GitCliCommitAsync(cliDir, home, TaskListPath, bytes, message, durable ? "added" : "none", cancellationToken);
            if (!commit.Committed || commit.WorkingTree != WorkingTreeUpdate.Replaced || commit.Index != IndexUpdate.Updated)
            {
                throw new InvalidOperationException($"unexpected commit result {commit}");
            }

            if (i >= Warmup)
            {
                storeMs.Add(storeElapsed);
                bareMs.Add(bareElapsed);
                cliMs.Add(cliElapsed);
            }
        }

        var s = new Stats(storeMs);
        var b = new Stats(bareMs);
        var c = new Stats(cliMs);
        Console.WriteLine($"{label} (libgit2 fsync {(durable ? "on" : "off")}; git CLI core.fsync={(durable ? "added" : "none")}):");
        Print("GitColdStore commit (read, check, edit, commit, CAS, worktree, index)", s, b);
        Print("bare libgit2 one-blob commit (baseline)", b, b);
        Print("git commit --only (CLI, file write included)", c, b);
        Console.WriteLine($"  GitColdStore vs git CLI: p50 {Stats.Ratio(s.Median, c.Median)}, p99 {Stats.Ratio(s.P99, c.P99)}");
        await PackReportAsync(store, storeDir, cancellationToken);
        var status = await ColdBaselines.GitAsync(storeDir, home, ["status", "--porcelain"], cancellationToken);
        if (status.Code != 0)
        {
            throw new InvalidOperationException("git status failed on the store's repository");
        }

        return (s, b, c);
    }

    private static void Print(string what, Stats s, Stats baseline) =>
        Console.WriteLine($"  {what,-72} p50 {Stats.Ms(s.Median),9}  p99 {Stats.Ms(s.P99),9}  mean {Stats.Ms(s.Mean),9}  p50 ratio to bare {Stats.Ratio(s.Median, baseline.Median)}");

    private static async Task PackReportAsync(GitColdStore store, string workDir, CancellationToken cancellationToken)
    {
        var objects = Path.Combine(workDir, ".git", "objects");
        var loose = await store.CountLooseObjectsAsync(cancellationToken);
        var before = ColdBaselines.DirectorySize(objects);
        var sw = Stopwatch.StartNew();
        var packed = await store.PackAsync(cancellationToken);
        var elapsed = sw.Elapsed.TotalMilliseconds;
        var after = ColdBaselines.DirectorySize(objects);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  packing (background every 50 commits past 400 loose; then once more now): {loose} loose left → packed {packed} in {Stats.Ms(elapsed)}; objects {before / 1048576.0:F1} MiB → {after / 1048576.0:F1} MiB"));
    }

    private static async Task<string> CreateRepoAsync(string dir, string home, string text, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(dir, "docs"));
        await File.WriteAllBytesAsync(Path.Combine(dir, TaskListPath), ColdBaselines.Utf8(text), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "README.md"), "benchmark repository\n", cancellationToken);
        foreach (var step in new[] { new[] { "init", "-q", "-b", "main" }, ["add", "."], ["commit", "-q", "-m", "Initial commit"] })
        {
            var (code, stderr) = await ColdBaselines.GitAsync(dir, home, step, cancellationToken);
            if (code != 0)
            {
                throw new InvalidOperationException($"git {step[0]} failed: {stderr}");
            }
        }

        return dir;
    }

    private static string Verdict(bool ok) => ok ? "[met]" : "[MISSED]";
}
