using Xunit;

namespace Thermocline.Testing;

/// <summary>
/// Finds <c>../shared</c> (real-world input written by others) beside the repository. CI has it there;
/// a plain clone may not, and tests that need it then say so and skip.
/// </summary>
public static class SharedFixtures
{
    /// <summary>The message a test skipped for want of <c>../shared</c> shows.</summary>
    public const string SkipReason = "skipped: ../shared not present";

    /// <summary>The <c>shared</c> directory, or null when it is not present.</summary>
    public static string? Directory { get; } = Locate();

    /// <summary>The full path of a file under <c>shared/fixtures</c>, or null when <c>../shared</c> is absent.</summary>
    public static string? Fixture(string name) => Directory is null ? null : Path.Combine(Directory, "fixtures", name);

    private static string? Locate()
    {
        // Walk up from the test binaries to the repository root, then look beside it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Thermocline.slnx")))
            {
                var shared = Path.Combine(dir.FullName, "..", "shared");
                return System.IO.Directory.Exists(Path.Combine(shared, "fixtures")) ? Path.GetFullPath(shared) : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs <c>../shared</c>; it is reported as skipped (never passed) without it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedFixtureFactAttribute : FactAttribute
{
    /// <summary>Skips the test when <c>../shared</c> is not present.</summary>
    public SharedFixtureFactAttribute()
    {
        if (SharedFixtures.Directory is null)
        {
            Skip = SharedFixtures.SkipReason;
        }
    }
}
