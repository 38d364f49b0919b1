using Thermocline.Board.Tests.Support;

namespace Thermocline.Board.Tests;

/// <summary>The browser driver itself: Playwright's bundled node driver runs here and drives Debian's chromium.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class DriverTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task Launch_DebianChromium_OpensAboutBlankAndRunsScript()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("about:blank");

        Assert.Equal(2, await page.EvaluateAsync<int>("() => 1 + 1"));
        Assert.StartsWith("156.", browser.Browser.Version, StringComparison.Ordinal);
        Assert.Contains("HeadlessChrome", await page.EvaluateAsync<string>("() => navigator.userAgent"), StringComparison.Ordinal);
    }
}
