using Microsoft.Playwright;

namespace Thermocline.Board.Tests.Support;

/// <summary>
/// One Playwright driver and one headless chromium for every browser test (a browser start is the slow part); each test
/// opens a context of its own, so cookies and local storage never pass between tests. Disposing closes the browser and
/// stops the driver, which ends the processes they started.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The browser; a test that reaches it without chromium installed fails saying so.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.NotFoundMessage);

    public async Task InitializeAsync()
    {
        if (!Chromium.Installed)
        {
            return; // every test skips (or, under CI, fails on Browser)
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(Chromium.LaunchOptions);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>The browser tests share one browser and run one after the other: on two cores a hub, its agents and a browser are enough at once.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser tests";
}
