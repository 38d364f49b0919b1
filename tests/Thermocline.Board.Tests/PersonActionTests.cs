using System.Text.RegularExpressions;
using Thermocline.Board.Tests.Support;
using Thermocline.Hub.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Thermocline.Board.Tests;

/// <summary>
/// A person acts from the PR page, carefully: only the actions the PR's state allows are offered, each asks for
/// confirmation (cancelling changes nothing), and goes through the same API and rules as the CLI with the person named
/// as the agent — in the milestone commit, for a cold → cold move.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class PersonActionTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Person = "dana.person";

    [BrowserFact]
    public async Task Approve_CompletedPrFromItsPage_AfterConfirmation_CommitNamesThePersonAsAgent()
    {
        await using var world = await BoardWorld.StartAsync(browser, output, ContractTaskList.Text);
        await world.OpenAsync("#/pr/PR-003");
        var page = world.Page;
        var pr = page.Locator("#pr-page[data-pr=\"PR-003\"]");
        await Expect(pr).ToBeVisibleAsync();
        await Expect(pr.Locator(".pr-fields")).ToContainTextAsync("completed");
        await page.Locator("input#person").FillAsync(Person);

        var approve = page.Locator("button[data-action=\"approve\"]");
        await Expect(approve).ToBeVisibleAsync();
        await Expect(page.Locator("button[data-action=\"release\"]")).ToBeHiddenAsync(); // no lease to release
        await Expect(page.Locator("button[data-action=\"ready\"]")).ToBeHiddenAsync(); // completed → ready is not a move
        var head = world.Repo.Head();

        await approve.ClickAsync();
        var confirm = page.Locator("dialog#confirm");
        await Expect(confirm).ToBeVisibleAsync();
        await Expect(confirm).ToContainTextAsync("PR-003");
        await page.Locator("dialog#confirm button[data-cancel]").ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();
        await Task.Delay(300);
        Assert.Equal(head, world.Repo.Head()); // cancelled: nothing committed

        await approve.ClickAsync();
        await Expect(confirm).ToBeVisibleAsync();
        await world.ScreenshotAsync("pr-confirm");
        await page.Locator("dialog#confirm button[data-confirm]").ClickAsync();
        await Expect(page.Locator("#toast")).Not.ToBeEmptyAsync();
        await Expect(pr.Locator(".pr-fields")).ToContainTextAsync("approved");

        var sha = world.Repo.Head();
        Assert.NotEqual(head, sha);
        var message = world.Repo.Git("log", "-1", "--format=%B");
        Assert.StartsWith("PR-003: completed → approved", message, StringComparison.Ordinal);
        Assert.Contains($"Agent {Person} approved PR-003.", message, StringComparison.Ordinal);
        Assert.Contains($"- Agent: {Person}\n", message, StringComparison.Ordinal);
        Assert.Equal("docs/task-list.md", world.Repo.Git("show", "--name-only", "--format=", sha).Trim());

        var row = pr.Locator($"table.pr-history tr[data-sha=\"{sha}\"]");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync(Person);
        await Expect(page.Locator("button[data-action=\"approve\"]")).ToBeHiddenAsync(); // approved already
        Assert.Equal(Person, await page.EvaluateAsync<string>("() => localStorage.getItem('thermocline.person')"));

        await page.ReloadAsync();
        await Expect(page.Locator("input#person")).ToHaveValueAsync(Person);
        await world.OpenAsync();
        await Expect(world.CardIn("approved", "PR-003")).ToBeVisibleAsync();
        await world.AssertPageCleanAsync();
    }

    [BrowserFact]
    public async Task ReleaseStuck_AgentsLeaseFromThePrPage_HotStateDroppedNothingCommittedAndTheAgentsLeaseDead()
    {
        await using var world = await BoardWorld.StartAsync(browser, output, ContractTaskList.Text);
        var lease = await world.ClaimAsync("PR-004", "alice", "--state", "investigating");
        var fence = lease[..lease.IndexOf(':', StringComparison.Ordinal)];
        await world.OpenAsync("#/pr/PR-004");
        var page = world.Page;
        var pr = page.Locator("#pr-page[data-pr=\"PR-004\"]");
        await Expect(pr.Locator(".pr-fields")).ToContainTextAsync("alice");
        await Expect(pr.Locator(".pr-lease")).ToContainTextAsync(new Regex($@"\bfence {fence}\b"));
        await page.Locator("input#person").FillAsync(Person);
        var head = world.Repo.Head();

        await page.Locator("button[data-action=\"release\"]").ClickAsync();
        await Expect(page.Locator("dialog#confirm")).ToBeVisibleAsync();
        await page.Locator("dialog#confirm button[data-confirm]").ClickAsync();
        await Expect(page.Locator("#toast")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("button[data-action=\"release\"]")).ToBeHiddenAsync();

        await world.OpenAsync();
        await Expect(world.CardIn("ready", "PR-004")).ToBeVisibleAsync();
        Assert.Equal(head, world.Repo.Head()); // a hot state is never committed
        var beat = await world.RunAsync("heartbeat", "PR-004", "--agent", "alice", "--lease", lease);
        Assert.True(beat.ExitCode != 0, $"alice's lease still beats after a person released it: {beat}");
        await world.AssertPageCleanAsync();
    }
}
