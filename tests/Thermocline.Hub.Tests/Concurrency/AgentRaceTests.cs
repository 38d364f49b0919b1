using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Thermocline.Domain.Commits;
using Thermocline.Domain.States;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;
using Xunit.Abstractions;

namespace Thermocline.Hub.Tests.Concurrency;

/// <summary>
/// 32 agents, each with its own HttpClient, race through the HTTP API over a generated 200-PR list (every PR starts
/// new; the dependency engine makes them ready as their dependencies complete) until every PR is approved. Afterwards
/// git holds exactly the expected milestones and no PR was ever held by two agents at once.
/// </summary>
public sealed partial class AgentRaceTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int PrCount = 200;
    private const int Agents = 32;

    [Theory]
    [InlineData(Store.Embedded)]
    [InlineData(Store.Redis)]
    public async Task Agents_RaceToApproveEveryPr_MilestonesExactAndNoPrHeldTwice(Store store)
    {
        var text = ColdStateLine().Replace(TaskListGenerator.Generate(PrCount, seed: 7), "cold_state: new");
        await using var hub = await InProcessHub.StartAsync(text, o =>
        {
            if (store == Store.Redis)
            {
                o.Redis = redis.Server.ConnectionString;
                o.KeyPrefix = "race" + Guid.NewGuid().ToString("N")[..10] + ":";
            }
        });
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var race = new Race(hub.Host.Address, limit.Token);

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(1, Agents).Select(i => race.AgentAsync($"agent-{i:D2}")));
        output.WriteLine($"{store}: {race.Holds.Count} claims won, {race.Refusals} refused (held or moved on) in {clock.Elapsed.TotalSeconds:F1} s");

        // Every PR approved, each phase claimed exactly once.
        using (var all = await hub.Http.GetAsync("api/prs"))
        {
            var prs = await all.Content.ReadFromJsonAsync<JsonElement>();
            Assert.All(prs.EnumerateArray(), p => Assert.Equal("approved", p.GetProperty("state").GetString()));
        }

        var holds = race.Holds.ToList();
        Assert.Equal(2 * PrCount, holds.Count);
        foreach (var pr in holds.GroupBy(h => h.Pr))
        {
            var byClaim = pr.OrderBy(h => h.ClaimedAt).ToList();
            Assert.Equal(["in-progress", "under-review"], byClaim.Select(h => h.State));

            // Fences only grow, and one hold ended (its end was sent) before the next was granted.
            Assert.True(byClaim[1].Fence > byClaim[0].Fence, $"{pr.Key}: fence {byClaim[1].Fence} after {byClaim[0].Fence}");
            Assert.True(byClaim[0].EndSentAt < byClaim[1].ClaimedAt, $"{pr.Key}: held by {byClaim[0].Agent} and {byClaim[1].Agent} at once");
        }

        // Git: one commit per milestone, each carrying its holder's lease; dependency changes in their own commits; nothing else.
        var history = await hub.Host.Sync.GetHistoryAsync(null, null, CancellationToken.None);
        var transitions = history.Where(m => m.Kind == MilestoneKind.Transition).ToList();
        Assert.Equal(2 * PrCount, transitions.Count);
        foreach (var hold in holds)
        {
            var target = hold.State == "in-progress" ? ColdState.Completed : ColdState.Approved;
            var milestone = Assert.Single(transitions, m => m.PrId == hold.Pr && m.To == target);
            Assert.Equal(hold.State, milestone.From.ToString());
            Assert.Equal(hold.Agent, milestone.Agent);
            Assert.Equal(hold.Fence, milestone.Lease);
        }

        // History is newest first (in commit order; timestamps have one-second resolution and tie).
        var dependencies = history.Where(m => m.Kind == MilestoneKind.Dependency).Reverse().ToList();
        foreach (var pr in dependencies.GroupBy(m => m.PrId))
        {
            var steps = pr.Select(m => $"{m.From} → {StateNames.Of(m.To)}").ToList();
            Assert.True(steps.SequenceEqual(["new → ready"]) || steps.SequenceEqual(["new → blocked", "blocked → ready"]), $"{pr.Key}: {string.Join(", ", steps)}");
        }

        Assert.Equal(PrCount, dependencies.Select(m => m.PrId).Distinct().Count());
        var titles = hub.Repo.Git("log", "--format=%s").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var dependencyCommits = dependencies.Select(m => m.Sha).Distinct().Count();
        Assert.Equal(1 + (2 * PrCount) + dependencyCommits, titles.Length);
        Assert.Equal(2 * PrCount, titles.Count(t => MilestoneTitle().IsMatch(t)));
        Assert.Equal(dependencyCommits, titles.Count(t => t.StartsWith("[Dependencies] ", StringComparison.Ordinal)));
        var audit = await hub.Host.Sync.ColdStore.AuditHistoryAsync(CancellationToken.None);
        Assert.True(audit.IsClean, string.Join("\n", audit.Violations));
        Assert.Equal("", hub.Repo.Status());
        output.WriteLine($"{titles.Length} commits: {2 * PrCount} milestones, {dependencyCommits} dependency commits, 1 initial");
    }

    [GeneratedRegex(@"cold_state: \w+")]
    private static partial Regex ColdStateLine();

    [GeneratedRegex(@"^PR-\d{3}: (in-progress → completed|under-review → approved)$")]
    private static partial Regex MilestoneTitle();

    /// <summary>One claim won: who, which fence, and when (monotonic ticks) it was granted and its end was sent.</summary>
    private sealed record Hold(string Pr, string Agent, string State, long Fence, long ClaimedAt, long EndSentAt);

    private sealed class Race(Uri hub, CancellationToken cancellationToken)
    {
        private int _approved;
        private int _refusals;

        public ConcurrentBag<Hold> Holds { get; } = [];

        public int Refusals => _refusals;

        public async Task AgentAsync(string agent)
        {
            using var http = new HttpClient { BaseAddress = hub };
            while (Volatile.Read(ref _approved) < PrCount)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ready = await http.GetFromJsonAsync<JsonElement>("api/ready", cancellationToken);
                var won = false;
                foreach (var id in ready.EnumerateArray().Select(p => p.GetProperty("id").GetString()!))
                {
                    if (await TryWorkAsync(http, agent, id))
                    {
                        won = true;
                        break;
                    }
                }

                if (!won)
                {
                    // Nothing claimable right now: others hold the rest, or dependencies are being committed.
                    await Task.Delay(2, cancellationToken);
                }
            }
        }

        private async Task<bool> TryWorkAsync(HttpClient http, string agent, string id)
        {
            using var claim = await http.PostAsJsonAsync($"api/prs/{id}/claim", new { agent }, cancellationToken);
            if (claim.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity)
            {
                Interlocked.Increment(ref _refusals);
                return false;
            }

            var body = await claim.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            Assert.True(claim.StatusCode == HttpStatusCode.OK, $"claim {id} by {agent}: {(int)claim.StatusCode} {body}");
            var claimedAt = Stopwatch.GetTimestamp();
            var lease = body.GetProperty("lease").GetString()!;
            var fence = body.GetProperty("fence").GetInt64();
            var state = body.GetProperty("to").GetString()!;

            // While held: the heartbeat is ours and the hub says we hold it.
            using (var beat = await http.PostAsJsonAsync($"api/prs/{id}/heartbeat", new { agent, lease }, cancellationToken))
            {
                Assert.True(beat.StatusCode == HttpStatusCode.OK, $"heartbeat {id} by {agent}: {(int)beat.StatusCode} {await beat.Content.ReadAsStringAsync(cancellationToken)}");
            }

            var view = await http.GetFromJsonAsync<JsonElement>($"api/prs/{id}", cancellationToken);
            Assert.Equal(agent, view.GetProperty("agent").GetString());
            Assert.Equal(fence, view.GetProperty("fence").GetInt64());

            var target = state == "in-progress" ? "completed" : "approved";
            var endSentAt = Stopwatch.GetTimestamp();
            using var end = await http.PostAsJsonAsync($"api/prs/{id}/transition", new { agent, state = target, lease }, cancellationToken);
            Assert.True(end.StatusCode == HttpStatusCode.OK, $"{id} → {target} by {agent} (lease {lease}): {(int)end.StatusCode} {await end.Content.ReadAsStringAsync(cancellationToken)}");
            Holds.Add(new Hold(id, agent, state, fence, claimedAt, endSentAt));
            if (target == "approved")
            {
                Interlocked.Increment(ref _approved);
            }

            return true;
        }
    }
}
