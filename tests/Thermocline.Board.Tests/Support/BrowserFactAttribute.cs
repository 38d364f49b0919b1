namespace Thermocline.Board.Tests.Support;

/// <summary>
/// A fact that needs Debian's chromium. Without it the test is reported as skipped — never passed — except under CI
/// (<c>CI=true</c>), where it runs and fails saying what is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.Installed && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "skipped: " + Chromium.NotFoundMessage;
        }
    }
}

/// <summary>A theory that needs Debian's chromium; skipped without it outside CI, as <see cref="BrowserFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        if (!Chromium.Installed && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "skipped: " + Chromium.NotFoundMessage;
        }
    }
}
