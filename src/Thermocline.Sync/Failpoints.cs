using System.Globalization;

namespace Thermocline.Sync;

/// <summary>
/// Crash points for the crash tests, so a kill can land exactly where it hurts most: between a git commit and the
/// Redis update that follows it. Off unless the environment variable <c>THERMO_FAILPOINT</c> names one, as
/// <c>NAME:N</c> (the N-th time the point is reached, counting from 1, the process kills itself with SIGKILL).
/// Known points: <c>after-cold-commit</c>, <c>after-dependency-commit</c>, <c>after-addition-commit</c>, <c>after-edit-commit</c>.
/// </summary>
internal static class Failpoints
{
    private static readonly (string Name, int At)? Armed = Parse(Environment.GetEnvironmentVariable("THERMO_FAILPOINT"));
    private static int _hits;

    public const string AfterColdCommit = "after-cold-commit";
    public const string AfterDependencyCommit = "after-dependency-commit";
    public const string AfterAdditionCommit = "after-addition-commit";
    public const string AfterEditCommit = "after-edit-commit";

    /// <summary>Reached the point <paramref name="name"/>: dies here if it is armed and its turn has come.</summary>
    public static void Reach(string name)
    {
        if (Armed is { } armed && armed.Name == name && Interlocked.Increment(ref _hits) == armed.At)
        {
            // SIGKILL ourselves: no finally blocks, no flushing, no clean shutdown — a crash.
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }
    }

    private static (string, int)? Parse(string? value)
    {
        var colon = value?.LastIndexOf(':') ?? -1;
        return colon > 0 && int.TryParse(value![(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? (value[..colon], n)
            : null;
    }
}
