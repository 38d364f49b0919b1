using Thermocline.Board.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Thermocline.Board.Tests;

/// <summary>
/// Every view of a small project in mid-flight (three agents at work, a handoff note, a milestone, work waiting and
/// broken): what each shows, that the board is reached from the keyboard, and a screenshot of each under
/// <c>artifacts/board-screenshots</c>.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ViewTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly string Project = new BoardTaskList()
        .Pr("PR-001", "Project skeleton and CI", "approved", "critical")
        .Pr("PR-002", "Configuration loading from file and environment", "completed", "high", ["PR-001"])
        .Pr("PR-003", "Structured logging with event ids", "ready", "high", ["PR-001"])
        .Pr("PR-004", "Task-list parser keeping every byte", "ready", "critical", ["PR-001"],
            "Parse each PR block.\n\n**Acceptance Criteria:**\n- [ ] round-trips the fixture byte for byte\n- [ ] `thermo validate` names file and line\n")
        .Pr("PR-005", "Git cold store, one-file commits", "ready", "high", ["PR-002"])
        .Pr("PR-006", "Redis hot store with leases", "ready", "medium", ["PR-002"])
        .Pr("PR-007", "Dependency engine", "new", "high", ["PR-004", "PR-005"])
        .Pr("PR-008", "HTTP API and event stream", "new", "medium", ["PR-005", "PR-006"])
        .Pr("PR-009", "Live web board", "new", "medium", ["PR-008"])
        .Pr("PR-010", "Crash recovery", "new", "high", ["PR-007", "PR-008"])
        .Pr("PR-011", "Release notes", "broken", "low", ["PR-002"])
        .Pr("PR-012", "README walk-through", "ready", "low", ["PR-002"])
        .Text;

    [BrowserFact]
    public async Task EveryView_ProjectInMidFlight_ShowsItsPartAndIsScreenshotted()
    {
        await using var world = await BoardWorld.StartAsync(browser, output, Project);
        var page = world.Page;
        await world.OpenAsync(); // the agents start after: the activity feed holds what a page has seen since it opened
        var parser = await world.ClaimAsync("PR-004", "agent-1", "--state", "in-progress");
        await world.ExpectAsync(0, "heartbeat", "PR-004", "--agent", "agent-1", "--lease", parser, "--note", "fast reader done; checking against the full YAML parse");
        var store = await world.ClaimAsync("PR-006", "agent-2", "--state", "investigating");
        await world.ExpectAsync(0, "transition", "PR-006", "planning", "--agent", "agent-2", "--lease", store);
        var cold = await world.ClaimAsync("PR-005", "agent-3", "--state", "in-progress");
        await world.ExpectAsync(0, "transition", "PR-005", "under-review", "--agent", "agent-3", "--lease", cold);
        var logging = await world.ClaimAsync("PR-003", "agent-3", "--state", "in-progress");
        await world.ExpectAsync(0, "transition", "PR-003", "completed", "--agent", "agent-3", "--lease", logging);

        await world.ExpectAsync(0, "release", "PR-004", "--agent", "agent-1", "--lease", parser);
        var handedOver = await world.ClaimAsync("PR-004", "agent-1", "--state", "in-progress"); // the note shows with the new claim
        await Expect(world.CardIn("in-progress", "PR-004").Locator(".pr-note")).ToContainTextAsync("fast reader done");
        await Expect(world.CardIn("planning", "PR-006")).ToBeVisibleAsync();
        await Expect(world.CardIn("under-review", "PR-005")).ToBeVisibleAsync();
        await Expect(world.CardIn("completed", "PR-003")).ToBeVisibleAsync();
        await Expect(world.CardIn("broken", "PR-011")).ToBeVisibleAsync();
        await Expect(world.CardIn("blocked", "PR-007").Locator(".pr-waits")).ToContainTextAsync("PR-004");
        var columns = await page.Locator("section.column[data-column]").EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.column)");
        string[] order = ["new", "ready", "planned", "investigating", "planning", "in-progress", "under-review", "blocked", "completed", "approved", "broken"];
        Assert.Equal(order.Where(columns.Contains), columns); // in the contract's order
        Assert.Subset(columns.ToHashSet(), order.Except(["new", "planned"]).ToHashSet());
        await world.ScreenshotAsync("board");

        // Keyboard: Tab reaches a card's link, Enter opens the PR.
        await page.Locator("body").ClickAsync(new() { Position = new() { X = 2, Y = 2 } });
        var reached = false;
        for (var i = 0; i < 40 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<bool>("() => !!document.activeElement?.closest('article.card[data-pr]') || !!document.activeElement?.querySelector?.('article.card[data-pr]')");
        }

        Assert.True(reached, "40 presses of Tab never reached a card");
        var focused = await page.EvaluateAsync<string>("() => (document.activeElement.closest('article.card[data-pr]') || document.activeElement.querySelector('article.card[data-pr]')).dataset.pr");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator($"#pr-page[data-pr=\"{focused}\"]")).ToBeVisibleAsync();

        await page.Locator("nav a[href=\"#/deps\"]").ClickAsync();
        await Expect(page.Locator("svg#graph g.node[data-pr]")).ToHaveCountAsync(12);
        await Expect(page.Locator("ul#waiting li[data-pr=\"PR-007\"]")).ToContainTextAsync("PR-004");
        await world.ScreenshotAsync("deps");

        await page.GotoAsync($"{world.Url}/#/pr/PR-004");
        var pr = page.Locator("#pr-page[data-pr=\"PR-004\"]");
        await Expect(pr).ToContainTextAsync("Task-list parser keeping every byte");
        await Expect(pr.Locator(".pr-fields")).ToContainTextAsync("critical");
        await Expect(pr.Locator(".pr-markdown li")).ToHaveCountAsync(2);
        await Expect(pr.Locator(".pr-markdown code")).ToContainTextAsync("thermo validate");
        await Expect(pr.Locator(".pr-fields")).ToContainTextAsync("agent-1");
        await Expect(pr.Locator(".pr-lease")).ToContainTextAsync($"fence {handedOver[..handedOver.IndexOf(':', StringComparison.Ordinal)]}");
        await world.ScreenshotAsync("pr");
        await page.GotoAsync($"{world.Url}/#/pr/PR-003");
        var milestone = world.Repo.Git("log", "--format=%H", "--grep", "^PR-003: ").Split('\n')[0];
        await Expect(page.Locator($"#pr-page[data-pr=\"PR-003\"] table.pr-history tr[data-sha=\"{milestone}\"]")).ToContainTextAsync("agent-3");

        await page.Locator("nav a[href=\"#/activity\"]").ClickAsync();
        var events = page.Locator("ol#activity li[data-kind]");
        await Expect(page.Locator("ol#activity li[data-kind=\"cold-commit\"][data-pr=\"PR-003\"]")).ToBeVisibleAsync();
        await world.ClaimAsync("PR-012", "agent-2", "--state", "investigating"); // arrives live, on top
        await Expect(events.First).ToHaveAttributeAsync("data-kind", "claimed");
        await Expect(events.First).ToContainTextAsync("PR-012");
        await world.ScreenshotAsync("activity");

        await page.Locator("nav a[href=\"#/health\"]").ClickAsync();
        var health = page.Locator("#health");
        await Expect(health.Locator("[data-field=\"status\"]")).ToContainTextAsync("ok");
        foreach (var field in (string[])["redis", "git", "queuedHotUpdates", "lastDisplaySync", "recovery"])
        {
            await Expect(health.Locator($"[data-field=\"{field}\"]")).Not.ToBeEmptyAsync();
        }

        await Expect(health.Locator("[data-field=\"queuedHotUpdates\"]")).ToContainTextAsync("0");
        await world.ScreenshotAsync("health");

        // A phone's width: the board still shows its cards, without a page wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"{world.Url}/#/board");
        await Expect(world.CardIn("in-progress", "PR-004")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the board is wider than a phone's screen");
        await world.ScreenshotAsync("board-phone");
        await world.AssertPageCleanAsync();
    }
}
