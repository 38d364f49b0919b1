using System.Text.Json;
using Thermocline.Board.Tests.Support;
using Thermocline.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Thermocline.Board.Tests;

/// <summary>
/// The dependency view of a 200-PR list: a node for every PR (labelled, its state as text), an edge for every
/// dependency, nodes that do not overlap, the critical path marked as one chain, what each blocked PR waits for, and a
/// click on a node opens the PR.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class DependencyViewTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const int Count = 200;

    [BrowserFact]
    public async Task Graph_TwoHundredPrs_EveryNodeAndEdge_NoOverlap_CriticalPathAChain_ClickOpensThePr()
    {
        await using var world = await BoardWorld.StartAsync(browser, output, TaskListGenerator.Generate(Count, seed: 14));
        using var http = new HttpClient { BaseAddress = new Uri(world.Url) };
        var prs = JsonDocument.Parse(await http.GetStringAsync("/api/prs")).RootElement.EnumerateArray().ToList();
        Assert.Equal(Count, prs.Count);
        var edges = prs.Sum(p => p.GetProperty("dependencies").GetArrayLength());

        await world.OpenAsync("#/deps");
        var page = world.Page;
        await Expect(page.Locator("svg#graph g.node[data-pr]")).ToHaveCountAsync(Count, new() { Timeout = 20_000 });
        await Expect(page.Locator("svg#graph .edge[data-from][data-to]")).ToHaveCountAsync(edges);
        foreach (var pr in prs.Take(20))
        {
            var id = pr.GetProperty("id").GetString()!;
            var node = page.Locator($"svg#graph g.node[data-pr=\"{id}\"]");
            await Expect(node).ToHaveAttributeAsync("data-state", pr.GetProperty("state").GetString()!);
            await Expect(node).ToContainTextAsync(id);
            await Expect(node).ToContainTextAsync(pr.GetProperty("state").GetString()!); // state as text, not colour alone
        }

        var overlaps = await page.EvaluateAsync<int>("""
            () => {
              const r = [...document.querySelectorAll('svg#graph g.node')].map(n => n.getBoundingClientRect());
              let n = 0;
              for (let i = 0; i < r.length; i++)
                for (let j = i + 1; j < r.length; j++)
                  if (r[i].left < r[j].right - 0.5 && r[j].left < r[i].right - 0.5 && r[i].top < r[j].bottom - 0.5 && r[j].top < r[i].bottom - 0.5) n++;
              return n;
            }
            """);
        Assert.True(overlaps == 0, $"{overlaps} pairs of nodes overlap at 200 PRs");

        // The critical path: marked nodes joined by marked edges into one chain (k nodes, k - 1 edges, no fork).
        var critical = (await page.Locator("svg#graph g.node.critical").EvaluateAllAsync<string[]>("ns => ns.map(n => n.dataset.pr)")).ToHashSet();
        var links = await page.Locator("svg#graph .edge.critical").EvaluateAllAsync<string[][]>("es => es.map(e => [e.dataset.from, e.dataset.to])");
        output.WriteLine($"critical path: {critical.Count} nodes, {links.Length} edges");
        Assert.True(critical.Count >= 2, $"the critical path marks {critical.Count} node(s)");
        Assert.Equal(critical.Count - 1, links.Length);
        Assert.All(links, l => Assert.True(critical.Contains(l[0]) && critical.Contains(l[1]), $"critical edge {l[0]} → {l[1]} leaves the critical nodes"));
        Assert.True(links.GroupBy(l => l[0]).All(g => g.Count() == 1) && links.GroupBy(l => l[1]).All(g => g.Count() == 1), "the critical path forks");
        var byId = prs.ToDictionary(p => p.GetProperty("id").GetString()!);
        Assert.All(links, l => Assert.True(
            Depends(byId, l[0], l[1]) || Depends(byId, l[1], l[0]), $"critical edge {l[0]} → {l[1]} is no dependency of the list"));

        foreach (var blocked in prs.Where(p => p.GetProperty("state").GetString() == "blocked" && p.GetProperty("unmetDependencies").GetArrayLength() > 0))
        {
            var item = page.Locator($"ul#waiting li[data-pr=\"{blocked.GetProperty("id").GetString()}\"]");
            foreach (var dep in blocked.GetProperty("unmetDependencies").EnumerateArray())
            {
                await Expect(item).ToContainTextAsync(dep.GetString()!);
            }
        }

        await world.ScreenshotAsync("deps-200");
        var target = critical.Order(StringComparer.Ordinal).First();
        await page.Locator($"svg#graph g.node[data-pr=\"{target}\"]").ClickAsync();
        await Expect(page.Locator($"#pr-page[data-pr=\"{target}\"]")).ToBeVisibleAsync();
        Assert.EndsWith($"#/pr/{target}", page.Url, StringComparison.Ordinal);
        await world.AssertPageCleanAsync();
    }

    private static bool Depends(Dictionary<string, JsonElement> prs, string pr, string on) =>
        prs[pr].GetProperty("dependencies").EnumerateArray().Any(d => d.GetString() == on);
}
