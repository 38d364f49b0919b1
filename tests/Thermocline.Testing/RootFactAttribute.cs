using Xunit;

namespace Thermocline.Testing;

/// <summary>
/// A fact that needs root (to mount a small tmpfs, say). Without root it is reported as skipped — never passed — except
/// under CI (<c>CI=true</c>), where CI runs as root and a missing privilege must fail the run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Skips the test when not running as root outside CI.</summary>
    public RootFactAttribute()
    {
        if (!IsRoot && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "skipped: needs root (a tmpfs mount)";
        }
    }

    /// <summary>True when the process runs as root.</summary>
    public static bool IsRoot => Environment.UserName == "root";
}
