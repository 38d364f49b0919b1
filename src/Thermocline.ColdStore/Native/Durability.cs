namespace Thermocline.ColdStore.Native;

/// <summary>
/// libgit2's fsync switch, process-wide. Without it neither libgit2 nor git fsyncs, and an acknowledged
/// commit can vanish in a power cut; with it libgit2 fsyncs objects, refs, the index and their directories.
/// </summary>
internal static class Durability
{
    private static readonly Lock Gate = new();

    /// <summary>True once fsync has been turned on in this process.</summary>
    public static bool FsyncEnabled { get; private set; }

    /// <summary>Turns fsync on (once) or off. Returns the state now in force.</summary>
    public static bool Set(bool enabled)
    {
        lock (Gate)
        {
            if (FsyncEnabled != enabled)
            {
                LibGit2Native.SetFsyncGitDir(enabled);
                FsyncEnabled = enabled;
            }

            return FsyncEnabled;
        }
    }
}
