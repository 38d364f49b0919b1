using Thermocline.Board.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Thermocline.Board.Tests;

/// <summary>
/// Task lists are written by agents: a title, description or handoff note carrying markup, script or terminal control
/// characters is shown as text on every view, and nothing in it runs.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class HostileTextTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Script = "<script>window.__pwned=1</script>";

    // YAML escapes: BEL, an ANSI colour (ESC [ 3 1 m), a right-to-left override, then the tail a reader must still see.
    private const string YamlTitle = "\"<script>window.__pwned=1</script> <img src=x onerror=window.__pwned=2> bell\\a esc\\e[31m rlo\\u202E tail-end\"";

    private const string Body = """
        Hostile <img src=x onerror="window.__pwned=3"> and <script>window.__pwned=4</script> text.

        A [link](javascript:window.__pwned=5) and <a href="javascript:window.__pwned=6">another</a>, **bold** kept.

        <iframe src="javascript:window.__pwned=7"></iframe><svg onload="window.__pwned=8"></svg>
        """;

    [BrowserFact]
    public async Task HostileTitleBodyAndNote_ShownAsTextOnBoardGraphAndPrPage_AndNoScriptRuns()
    {
        var list = new BoardTaskList()
            .Pr("PR-001", "Hostile title", "ready", "high", body: Body, yamlTitle: YamlTitle)
            .Pr("PR-002", "Waits on the hostile one", "new", "low", ["PR-001"])
            .Text;
        await using var world = await BoardWorld.StartAsync(browser, output, list);
        await world.OpenAsync();
        var lease = await world.ClaimAsync("PR-001", "mallory"); // live, through the event stream, after the first read
        await world.ExpectAsync(0, "heartbeat", "PR-001", "--agent", "mallory", "--lease", lease, "--note", "<b onmouseover=window.__pwned=9>note</b><script>window.__pwned=10</script>");
        await world.ExpectAsync(0, "release", "PR-001", "--agent", "mallory", "--lease", lease);
        lease = await world.ClaimAsync("PR-001", "mallory"); // the note is handed to the next claim, and shown with it

        var card = world.CardIn("in-progress", "PR-001");
        await Expect(card).ToBeVisibleAsync();
        var title = await card.Locator(".pr-title").TextContentAsync() ?? "";
        Assert.Contains(Script, title, StringComparison.Ordinal);
        Assert.Contains("<img src=x onerror=window.__pwned=2>", title, StringComparison.Ordinal);
        Assert.Contains("tail-end", title, StringComparison.Ordinal);
        foreach (var control in (char[])['\u0007', '\u001b', '\u202e'])
        {
            Assert.False(title.Contains(control, StringComparison.Ordinal), $"the title hands the page a raw U+{(int)control:X4}: \"{title}\"");
        }

        await Expect(card.Locator(".pr-note")).ToContainTextAsync("<b onmouseover=window.__pwned=9>note</b>");
        await Expect(card.Locator("script, img, b, iframe, svg")).ToHaveCountAsync(0);

        await world.Page.GotoAsync($"{world.Url}/#/pr/PR-001");
        var pr = world.Page.Locator("#pr-page[data-pr=\"PR-001\"]");
        await Expect(pr).ToBeVisibleAsync();
        await Expect(pr).ToContainTextAsync(Script);
        var markdown = pr.Locator(".pr-markdown");
        await Expect(markdown.Locator("strong")).ToHaveTextAsync("bold"); // still markdown, not a dump of the source
        await Expect(markdown).ToContainTextAsync("<img src=x onerror=\"window.__pwned=3\">");
        await Expect(markdown.Locator("script, img, iframe, svg, a[href^=\"javascript:\" i]")).ToHaveCountAsync(0);

        await world.Page.GotoAsync($"{world.Url}/#/deps");
        await Expect(world.Page.Locator("svg#graph g.node[data-pr=\"PR-001\"]")).ToBeVisibleAsync();
        await Expect(world.Page.Locator("svg#graph script, svg#graph foreignObject")).ToHaveCountAsync(0);
        await world.Page.GotoAsync($"{world.Url}/#/activity");
        await Expect(world.Page.Locator("ol#activity li[data-kind=\"claimed\"]").First).ToContainTextAsync("PR-001");

        // Nothing ran, and no element anywhere carries an event-handler attribute.
        Assert.Equal("undefined", await world.Page.EvaluateAsync<string>("() => typeof window.__pwned"));
        Assert.Equal(0, await world.Page.EvaluateAsync<int>("() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length"));
        Assert.Equal(0, await world.Page.EvaluateAsync<int>("() => [...document.scripts].filter(s => !s.src).length"));
        await world.AssertPageCleanAsync();
    }
}
