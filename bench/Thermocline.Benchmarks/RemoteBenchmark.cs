using System.Diagnostics;
using System.Globalization;
using LibGit2Sharp;
using Thermocline.ColdStore;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Testing;

namespace Thermocline.Benchmarks;

/// <summary>
/// Milestone latency with <c>--remote</c> (pushed to a local bare repository before the answer) next to the same
/// milestone committed locally only, interleaved in one run on two identical repositories; the baseline of the push
/// itself is a bare <c>git push</c> of one commit to a bare repository, timed in the same loop. Arguments:
/// <c>[--transitions N] [--prs N] [--writers N]</c>. Then the same milestones from several writers at once, which the
/// store pushes in groups: throughput next to one at a time.
/// </summary>
internal sealed class RemoteBenchmark : IBenchmark
{
    private const string TaskListPath = "docs/task-list.md";
    private const int Warmup = 5;

    public string Name => "remote";

    public string Description => "milestone p50/p99 pushed to a local bare remote vs committed locally only, and a bare git push, same run";

    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var transitions = BenchArgs.Int(args, "--transitions", 100);
        var prs = Math.Max(BenchArgs.Int(args, "--prs", 1_000), (transitions + Warmup) * 2);
        var text = TaskListGenerator.Uniform(prs, _ => "ready", i => i > 1 ? [i - 1] : []);
        var root = Path.Combine(Path.GetTempPath(), "thermocline-remote-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System, ConfigurationLevel.ProgramData })
        {
            GlobalSettings.SetConfigSearchPaths(level, home);
        }

        try
        {
            var localDir = await CreateRepoAsync(Path.Combine(root, "local"), home, text, cancellationToken);
            var pushedDir = await CreateRepoAsync(Path.Combine(root, "pushed"), home, text, cancellationToken);
            var bare = Path.Combine(root, "origin.git");
            await GitAsync(root, home, ["init", "-q", "--bare", "-b", "main", bare], cancellationToken);
            await GitAsync(pushedDir, home, ["remote", "add", "origin", bare], cancellationToken);
            await GitAsync(pushedDir, home, ["push", "-q", "origin", "main"], cancellationToken);
            var baselineDir = await CreateRepoAsync(Path.Combine(root, "baseline"), home, text, cancellationToken);
            var baselineBare = Path.Combine(root, "baseline.git");
            await GitAsync(root, home, ["init", "-q", "--bare", "-b", "main", baselineBare], cancellationToken);
            await GitAsync(baselineDir, home, ["remote", "add", "origin", baselineBare], cancellationToken);
            await GitAsync(baselineDir, home, ["push", "-q", "origin", "main"], cancellationToken);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"task list: {prs:N0} PRs; {transitions} measured milestones each after {Warmup} warm-up; durable (fsync on); temp dir {root}"));
            await using var local = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = localDir }, cancellationToken: cancellationToken);
            await using var pushed = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = pushedDir, Remote = "origin" }, cancellationToken: cancellationToken);
            var localMs = new List<double>();
            var pushedMs = new List<double>();
            var pushMs = new List<double>();
            for (var i = 0; i < Warmup + transitions; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var pr = TaskListGenerator.Id(1 + i);
                var transition = new ColdTransition(pr, HotState.InProgress, ColdState.Completed, "agent-1") { Lease = i + 1, ClaimedFrom = ColdState.Ready };
                var l = await TimeAsync(() => local.CommitTransitionAsync(transition, cancellationToken));
                var p = await TimeAsync(() => pushed.CommitTransitionAsync(transition, cancellationToken));
                if (p.Result.PushedTo != "origin/main" || !l.Result.Committed)
                {
                    throw new InvalidOperationException($"unexpected results {l.Result} / {p.Result}");
                }

                // The baseline: one empty commit made outside the timing, then only its push timed.
                await GitAsync(baselineDir, home, ["commit", "-q", "--allow-empty", "-m", $"baseline {i}"], cancellationToken);
                var started = Stopwatch.GetTimestamp();
                await GitAsync(baselineDir, home, ["push", "-q", "origin", "main"], cancellationToken);
                var push = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (i >= Warmup)
                {
                    localMs.Add(l.Ms);
                    pushedMs.Add(p.Ms);
                    pushMs.Add(push);
                }
            }

            var ls = new Stats(localMs);
            var ps = new Stats(pushedMs);
            var bs = new Stats(pushMs);
            Console.WriteLine();
            Print("milestone, local commit only", ls, ls);
            Print("milestone pushed to the bare remote before the answer", ps, ls);
            Print("bare 'git push' of one commit (baseline of the push)", bs, ls);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"push overhead: p50 {Stats.Ms(ps.Median - ls.Median)} over a local commit; {Stats.Ratio(ps.Median - ls.Median, bs.Median)} of a bare git push"));

            // Agents at once: milestones asked for during a push go in the next one (push groups).
            var writers = BenchArgs.Int(args, "--writers", 8);
            var next = Warmup + transitions;
            var last = Math.Min(prs, next + (transitions * 2));
            var concurrentMs = new System.Collections.Concurrent.ConcurrentBag<double>();
            var wall = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) is var i && i <= last)
                {
                    var transition = new ColdTransition(TaskListGenerator.Id(i), HotState.InProgress, ColdState.Completed, "agent-2") { Lease = i, ClaimedFrom = ColdState.Ready };
                    var timed = await TimeAsync(() => pushed.CommitTransitionAsync(transition, cancellationToken));
                    concurrentMs.Add(timed.Ms);
                }
            }, cancellationToken)));
            var elapsed = wall.Elapsed.TotalSeconds;
            var cs = new Stats([.. concurrentMs]);
            Print($"milestone pushed, {writers} writers at once (push groups)", cs, ls);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"throughput with a push: {concurrentMs.Count / elapsed:F0} milestones/s with {writers} writers ({concurrentMs.Count} in {elapsed:F2} s) vs {1000 / ps.Median:F0}/s one at a time; {Stats.Ratio(concurrentMs.Count / elapsed, 1000 / ps.Median)}"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Print(string what, Stats s, Stats baseline) =>
        Console.WriteLine($"  {what,-56} p50 {Stats.Ms(s.Median),9}  p99 {Stats.Ms(s.P99),9}  mean {Stats.Ms(s.Mean),9}  p50 ratio to local {Stats.Ratio(s.Median, baseline.Median)}");

    private static async Task<(T Result, double Ms)> TimeAsync<T>(Func<Task<T>> action)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await action();
        return (result, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static async Task GitAsync(string dir, string home, string[] args, CancellationToken cancellationToken)
    {
        var (code, stderr) = await ColdBaselines.GitAsync(dir, home, args, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
        }
    }

    private static async Task<string> CreateRepoAsync(string dir, string home, string text, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(dir, "docs"));
        await File.WriteAllBytesAsync(Path.Combine(dir, TaskListPath), ColdBaselines.Utf8(text), cancellationToken);
        foreach (var step in new[] { new[] { "init", "-q", "-b", "main" }, ["add", "."], ["commit", "-q", "-m", "Initial commit"] })
        {
            await GitAsync(dir, home, step, cancellationToken);
        }

        return dir;
    }
}
