using System.Globalization;
using Thermocline.Board.Tests.Support;
using Thermocline.Hub.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Thermocline.Board.Tests;

/// <summary>
/// A page that lost the hub's event stream reconnects by itself and shows what changed while it was away: once when
/// the network between the page and a running hub is cut, once when the hub itself stops and starts again (another
/// hub run, whose events the page never saw) after a person committed to the task list meanwhile.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ReconnectTests(BrowserFixture browser, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task Stream_CutWhileAnAgentClaims_PageSaysOfflineThenReconnectsAndShowsTheClaim()
    {
        await using var world = await BoardWorld.StartAsync(browser, output, ContractTaskList.Text);
        await using var cutter = StreamCutter.Start(world.Port);
        var relayed = $"http://127.0.0.1:{cutter.Port.ToString(CultureInfo.InvariantCulture)}";
        await world.OpenAsync(baseUrl: relayed);
        await Expect(world.CardIn("ready", "PR-004")).ToBeVisibleAsync();

        await cutter.CutAsync();
        await Expect(world.Page.Locator("#live")).Not.ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        var shown = await world.Page.Locator("#live").GetAttributeAsync("data-state");
        Assert.True(shown is "offline" or "connecting", $"#live says data-state=\"{shown}\" while the stream is cut");
        await Expect(world.Page.Locator("#live")).Not.ToBeEmptyAsync(); // said in words too

        await world.ClaimAsync("PR-004", "carol"); // straight to the hub: the page cannot hear of it
        await world.ExpectAsync(0, "transition", "PR-005", "broken", "--agent", "carol", "--reason", "release notes wrong");
        await Task.Delay(500);
        await Expect(world.CardIn("ready", "PR-004")).ToBeVisibleAsync(); // still the old picture: nothing reached it

        cutter.Restore();
        await Expect(world.Page.Locator("#live")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
        await Expect(world.CardIn("in-progress", "PR-004")).ToBeVisibleAsync();
        await Expect(world.CardIn("in-progress", "PR-004").Locator(".pr-holder")).ToContainTextAsync("carol");
        await Expect(world.CardIn("broken", "PR-005")).ToBeVisibleAsync();

        // And it is live again, not just re-read once.
        await world.ClaimAsync("PR-001", "dave");
        await Expect(world.CardIn("in-progress", "PR-001")).ToBeVisibleAsync();
        await world.AssertPageCleanAsync();
    }

    [BrowserFact]
    public async Task Hub_RestartedAfterAPersonsCommit_PageReconnectsToTheNewRunAndShowsGit()
    {
        await using var world = await BoardWorld.StartAsync(browser, output, ContractTaskList.Text);
        await world.OpenAsync();
        await Expect(world.CardIn("ready", "PR-004")).ToBeVisibleAsync();

        await world.StopHubAsync();
        await Expect(world.Page.Locator("#live")).Not.ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });

        // A person's own commit while no hub runs: PR-004 is broken, by hand.
        var list = world.Repo.ReadFile(BoardTaskList.Path);
        var block = list.IndexOf("pr_id: PR-004", StringComparison.Ordinal);
        var line = list.IndexOf("cold_state: ready", block, StringComparison.Ordinal);
        world.Repo.WriteFile(BoardTaskList.Path, string.Concat(list.AsSpan(0, line), "cold_state: broken", list.AsSpan(line + "cold_state: ready".Length)));
        world.Repo.CommitFiles("PR-004 is broken: the docs build fails", BoardTaskList.Path);

        await world.StartHubAsync();
        await Expect(world.Page.Locator("#live")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
        await Expect(world.CardIn("broken", "PR-004")).ToBeVisibleAsync();

        await world.ClaimAsync("PR-001", "erin");
        await Expect(world.CardIn("in-progress", "PR-001")).ToBeVisibleAsync();
        await world.AssertPageCleanAsync();
    }
}
