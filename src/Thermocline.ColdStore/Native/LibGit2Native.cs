using System.Runtime.InteropServices;
using LibGit2Sharp;

namespace Thermocline.ColdStore.Native;

/// <summary>
/// The two libgit2 calls LibGit2Sharp does not expose, made into the very native library it bundles (same file,
/// same process-wide state): the fsync switch, and a ref update that is a compare-and-swap against the commit we
/// built on (LibGit2Sharp's <c>UpdateTarget</c> re-reads the ref first, so it cannot notice a move in between).
/// </summary>
internal static partial class LibGit2Native
{
    /// <summary>
    /// LibGit2Sharp 0.32's bundled libgit2 (<c>libgit2-5853918.so</c> and kin). Resolved through the same deps.json
    /// native assets LibGit2Sharp loads it from, so both get one handle; a test fails when the package changes it.
    /// </summary>
    internal const string Library = "git2-5853918";

    /// <summary><c>GIT_OPT_ENABLE_FSYNC_GITDIR</c> of <c>git_libgit2_opt_t</c> (libgit2 1.x).</summary>
    private const int OptEnableFsyncGitdir = 19;

    /// <summary><c>GIT_EMODIFIED</c>: the reference's current value is not the expected one.</summary>
    internal const int ErrorModified = -15;

    /// <summary><c>GIT_ELOCKED</c>: the reference's lock file is held.</summary>
    internal const int ErrorLocked = -14;

    /// <summary>Turns libgit2's fsync of objects, refs and the index (and their directories) on or off, process-wide.</summary>
    internal static void SetFsyncGitDir(bool enabled)
    {
        _ = GlobalSettings.Version; // LibGit2Sharp loads and initialises the library first
        // git_libgit2_opts is variadic: on Apple arm64 variadic arguments go on the stack, after eight register slots.
        var rc = OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64
            ? git_libgit2_opts_osxarm64(OptEnableFsyncGitdir, 0, 0, 0, 0, 0, 0, 0, enabled ? 1 : 0)
            : git_libgit2_opts(OptEnableFsyncGitdir, enabled ? 1 : 0);
        if (rc < 0)
        {
            throw new InvalidOperationException($"git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR) failed: {LastError()}");
        }
    }

    /// <summary>Opens a native repository handle, used only for <see cref="CompareAndSwapRef"/>.</summary>
    internal static IntPtr OpenRepository(string path)
    {
        var rc = git_repository_open(out var repo, path);
        return rc < 0 ? throw new InvalidOperationException($"git_repository_open({path}) failed: {LastError()}") : repo;
    }

    /// <summary>Frees a handle from <see cref="OpenRepository"/>.</summary>
    internal static void FreeRepository(IntPtr repo)
    {
        if (repo != IntPtr.Zero)
        {
            git_repository_free(repo);
        }
    }

    /// <summary>
    /// Points <paramref name="refName"/> at <paramref name="newId"/> only if it still points at <paramref name="expectedId"/>,
    /// checked under the ref's lock. Returns 0, <see cref="ErrorModified"/>, <see cref="ErrorLocked"/> or another libgit2
    /// error code (described in <paramref name="error"/>).
    /// </summary>
    internal static int CompareAndSwapRef(IntPtr repo, string refName, ObjectId newId, ObjectId expectedId, string logMessage, out string? error)
    {
        var rc = git_reference_create_matching(out var reference, repo, refName, newId.RawId, 1, expectedId.RawId, logMessage);
        error = rc < 0 ? LastError() : null;
        if (reference != IntPtr.Zero)
        {
            git_reference_free(reference);
        }

        return rc;
    }

    private static string LastError()
    {
        var ptr = git_error_last();
        return ptr == IntPtr.Zero ? "(no libgit2 error message)" : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(ptr)) ?? "(no libgit2 error message)";
    }

    [LibraryImport(Library)]
    private static partial int git_libgit2_opts(int option, int value);

    [LibraryImport(Library, EntryPoint = "git_libgit2_opts")]
    private static partial int git_libgit2_opts_osxarm64(int option, nint pad2, nint pad3, nint pad4, nint pad5, nint pad6, nint pad7, nint pad8, int value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int git_repository_open(out IntPtr repo, string path);

    [LibraryImport(Library)]
    private static partial void git_repository_free(IntPtr repo);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int git_reference_create_matching(out IntPtr reference, IntPtr repo, string name, byte[] id, int force, byte[] currentId, string logMessage);

    [LibraryImport(Library)]
    private static partial void git_reference_free(IntPtr reference);

    [LibraryImport(Library)]
    private static partial IntPtr git_error_last();
}
