using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Thermocline.Board.Tests.Support;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Thermocline.Board.Tests;

/// <summary>
/// The board follows the hub live: what agents do through the real <c>thermo</c> binary shows on an open page without a
/// reload — a claim within a second, a milestone moving its card and unblocking a dependant, a lapsed lease going away.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class LiveBoardTests(BrowserFixture browser, RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [BrowserTheory]
    [InlineData(Store.Embedded)]
    [InlineData(Store.Redis)]
    public async Task Claim_ThroughTheCli_CardInProgressWithTheHolderWithinASecond(Store store)
    {
        string[] storeArgs = store == Store.Redis ? ["--redis", redis.ConnectionString, "--key-prefix", $"b{Guid.NewGuid():N}"[..13] + ":"] : [];
        await using var world = await BoardWorld.StartAsync(browser, output, ContractTaskList.Text, storeArgs, test: $"{nameof(Claim_ThroughTheCli_CardInProgressWithTheHolderWithinASecond)}-{store}");
        await world.OpenAsync();
        await Expect(world.CardIn("ready", "PR-001")).ToBeVisibleAsync();

        await world.ClaimAsync("PR-001", "alice", "--state", "in-progress");
        var answered = Stopwatch.StartNew();
        var card = world.CardIn("in-progress", "PR-001");
        await card.WaitForAsync(new() { Timeout = 10_000 });
        var shown = answered.Elapsed;
        output.WriteLine($"{store}: card in progress {shown.TotalMilliseconds:F0} ms after thermo claim returned");

        await Expect(card.Locator(".pr-holder")).ToContainTextAsync("alice");
        await Expect(card.Locator(".pr-id")).ToHaveTextAsync("PR-001");
        await Expect(card.Locator(".pr-title")).ToHaveTextAsync("Project skeleton");
        await Expect(card.Locator(".pr-priority")).ToContainTextAsync("high");
        await Expect(card.Locator(".pr-state")).ToContainTextAsync("in-progress"); // state as text, not colour alone
        await Expect(card.Locator(".pr-heartbeat")).Not.ToBeEmptyAsync();
        var expiresAt = DateTimeOffset.Parse(await card.Locator(".pr-lease").GetAttributeAsync("data-expires-at") ?? "", CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.1)); // the default 5 min TTL
        await Expect(card.Locator(".pr-lease")).Not.ToHaveClassAsync(new Regex(@"\bexpiring\b"));
        await Expect(world.Page.Locator("section.column[data-column=\"ready\"] article.card[data-pr=\"PR-001\"]")).ToHaveCountAsync(0);
        await Expect(ColumnHeading(world, "in-progress")).ToContainTextAsync("1");
        Assert.True(shown < OneSecond, $"the claim showed {shown.TotalMilliseconds:F0} ms after thermo claim returned (limit 1 s)");
        await world.AssertPageCleanAsync();
    }

    [BrowserFact]
    public async Task Milestone_Completed_CardMovesAndTheDependantGoesFromBlockedToReady()
    {
        await using var world = await BoardWorld.StartAsync(browser, output, ContractTaskList.Text);
        await world.OpenAsync();
        var dependant = world.CardIn("blocked", "PR-002");
        await Expect(dependant).ToBeVisibleAsync();
        await Expect(dependant.Locator(".pr-waits")).ToContainTextAsync("PR-001");

        var lease = await world.ClaimAsync("PR-001", "alice");
        await Expect(world.CardIn("in-progress", "PR-001")).ToBeVisibleAsync();
        await world.ExpectAsync(0, "transition", "PR-001", "completed", "--agent", "alice", "--lease", lease);

        var done = world.CardIn("completed", "PR-001");
        await Expect(done).ToBeVisibleAsync();
        await Expect(done.Locator(".pr-state")).ToContainTextAsync("completed");
        await Expect(done.Locator(".pr-holder", new() { HasText = "alice" })).ToHaveCountAsync(0); // no hot state left
        var unblocked = world.CardIn("ready", "PR-002");
        await Expect(unblocked).ToBeVisibleAsync();
        await Expect(unblocked.Locator(".pr-waits", new() { HasText = "PR-001" })).ToHaveCountAsync(0);
        await Expect(world.Page.Locator("section.column[data-column=\"blocked\"] article.card[data-pr=\"PR-002\"]")).ToHaveCountAsync(0);
        await Expect(ColumnHeading(world, "completed")).ToContainTextAsync("2"); // PR-001 and PR-003
        Assert.Contains("PR-001: in-progress → completed", world.Repo.Git("log", "--format=%s"), StringComparison.Ordinal);
        await world.AssertPageCleanAsync();
    }

    [BrowserFact]
    public async Task Lease_LapsedWithoutHeartbeat_CardTurnsRedThenLeavesTheHotColumn()
    {
        await using var world = await BoardWorld.StartAsync(browser, output, ContractTaskList.Text);
        await world.OpenAsync();

        await world.ClaimAsync("PR-004", "bob", "--ttl", "2s");
        var held = world.CardIn("in-progress", "PR-004");
        await Expect(held).ToBeVisibleAsync();
        await Expect(held.Locator(".pr-holder")).ToContainTextAsync("bob");
        await Expect(held.Locator(".pr-lease")).ToHaveClassAsync(new Regex(@"\bexpiring\b")); // under 30 s left
        var lapsed = Stopwatch.StartNew();

        // The lease lives 2 s; the hub sweeps lapsed leases every 15 s, and the page may drop it earlier by itself.
        var back = world.CardIn("ready", "PR-004");
        await Expect(back).ToBeVisibleAsync(new() { Timeout = 30_000 });
        output.WriteLine($"card back in ready {lapsed.Elapsed.TotalSeconds:F1} s after the 2 s lease was taken");
        await Expect(world.Page.Locator("section.column[data-column=\"in-progress\"] article.card[data-pr=\"PR-004\"]")).ToHaveCountAsync(0);
        await Expect(back.Locator(".pr-holder", new() { HasText = "bob" })).ToHaveCountAsync(0);
        await Expect(back.Locator(".pr-lease")).ToHaveCountAsync(0);
        await world.AssertPageCleanAsync();
    }

    [BrowserFact]
    public async Task Lease_KeptAliveByHeartbeats_CardStaysInProgressThenLeavesOnceTheyStop()
    {
        await using var world = await BoardWorld.StartAsync(browser, output, ContractTaskList.Text);
        await world.OpenAsync();
        var lease = await world.ClaimAsync("PR-001", "frank", "--ttl", "3s");
        var held = world.CardIn("in-progress", "PR-001");
        await Expect(held).ToBeVisibleAsync();
        var first = await held.Locator(".pr-lease").GetAttributeAsync("data-expires-at");

        // Twelve seconds of heartbeats, four lease lifetimes: the card never leaves, and its countdown moves on.
        var alive = Stopwatch.StartNew();
        while (alive.Elapsed < TimeSpan.FromSeconds(12))
        {
            await world.ExpectAsync(0, "heartbeat", "PR-001", "--agent", "frank", "--lease", lease);
            Assert.Equal(1, await held.CountAsync());
            await Task.Delay(700);
        }

        var later = await held.Locator(".pr-lease").GetAttributeAsync("data-expires-at");
        Assert.True(DateTimeOffset.Parse(later!, CultureInfo.InvariantCulture) > DateTimeOffset.Parse(first!, CultureInfo.InvariantCulture).AddSeconds(5),
            $"the lease countdown did not follow the heartbeats: expires at {first}, then {later}");

        await Expect(world.CardIn("ready", "PR-001")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await world.AssertPageCleanAsync();
    }

    private static ILocator ColumnHeading(BoardWorld world, string state) =>
        world.Page.Locator($"section.column[data-column=\"{state}\"]").Locator("h1, h2, h3, h4, header").First;
}
