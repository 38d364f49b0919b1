using Microsoft.Playwright;

namespace Thermocline.Board.Tests.Support;

/// <summary>
/// Debian's <c>chromium</c> package, the only browser these tests use: Playwright's own browser download cannot work
/// on these machines, so the driver is pointed at <see cref="ExecutablePath"/>.
/// </summary>
internal static class Chromium
{
    /// <summary>Where Debian's package puts the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>What a test skipped (or, under CI, failed) for want of the browser says.</summary>
    public const string NotFoundMessage = "chromium not found at /usr/bin/chromium: install it (apt-get install -y chromium) or run scripts/test.sh";

    /// <summary>True when the browser is installed.</summary>
    public static bool Installed => File.Exists(ExecutablePath);

    /// <summary>
    /// Headless, without the sandbox (the tests run as root), and without anything that reaches the network by itself
    /// (component updates, sync, background fetches, QUIC).
    /// </summary>
    public static BrowserTypeLaunchOptions LaunchOptions => new()
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    };
}
