using System.Reflection;
using System.Runtime.InteropServices;
using LibGit2Sharp;

namespace Thermocline.ColdStore.Native;

/// <summary>
/// The few libgit2 calls LibGit2Sharp does not expose, made into the very native library it bundles
/// (same file, so the same process-wide state): the fsync switch and a compare-and-swap ref update.
/// </summary>
internal static partial class LibGit2Native
{
    /// <summary>A logical name that <see cref="Resolve"/> maps to LibGit2Sharp's own native library.</summary>
    private const string Library = "thermocline-libgit2";

    /// <summary><c>GIT_OPT_ENABLE_FSYNC_GITDIR</c> of <c>git_libgit2_opt_t</c> (libgit2 1.x).</summary>
    private const int OptEnableFsyncGitdir = 19;

    /// <summary><c>GIT_EMODIFIED</c>: the reference's current value is not the expected one.</summary>
    internal const int ErrorModified = -15;

    /// <summary><c>GIT_ELOCKED</c>: the reference's lock file is held.</summary>
    internal const int ErrorLocked = -14;

    /// <summary><c>GIT_OBJECT_COMMIT</c> of <c>git_object_t</c>.</summary>
    internal const int ObjectTypeCommit = 1;

    /// <summary><c>GIT_OBJECT_TREE</c> of <c>git_object_t</c>.</summary>
    internal const int ObjectTypeTree = 2;

    /// <summary><c>GIT_OBJECT_BLOB</c> of <c>git_object_t</c>.</summary>
    internal const int ObjectTypeBlob = 3;

    /// <summary>A SHA-1 object id is 20 bytes (libgit2 built without experimental SHA-256).</summary>
    internal const int OidSize = 20;

    static LibGit2Native()
    {
        NativeLibrary.SetDllImportResolver(typeof(LibGit2Native).Assembly, Resolve);
    }

    /// <summary>The file name stem of LibGit2Sharp's bundled library, e.g. <c>git2-5853918</c>.</summary>
    internal static string BundledLibraryName { get; } = FindBundledLibraryName();

    /// <summary>Turns libgit2's fsync of objects, refs and the index on or off for the whole process.</summary>
    internal static void SetFsyncGitDir(bool enabled)
    {
        var rc = git_libgit2_opts(OptEnableFsyncGitdir, enabled ? 1 : 0);
        if (rc < 0)
        {
            throw new InvalidOperationException($"git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR) failed: {LastError()}");
        }
    }

    /// <summary>Opens a native repository handle (used only for compare-and-swap ref updates).</summary>
    internal static IntPtr OpenRepository(string path)
    {
        var rc = git_repository_open(out var repo, path);
        if (rc < 0)
        {
            throw new InvalidOperationException($"git_repository_open({path}) failed: {LastError()}");
        }

        return repo;
    }

    /// <summary>Sets the identity libgit2 writes into reflog entries of this handle.</summary>
    internal static void SetIdentity(IntPtr repo, string name, string email)
    {
        _ = git_repository_set_ident(repo, name, email);
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
    /// Points <paramref name="refName"/> at <paramref name="newId"/> only if it still points at
    /// <paramref name="expectedId"/>, checked under the ref's lock. Returns 0, <see cref="ErrorModified"/>,
    /// <see cref="ErrorLocked"/> or another libgit2 error code (see <paramref name="error"/>).
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

    /// <summary>Writes <paramref name="content"/> as a blob, raw (no filters), straight from memory.</summary>
    internal static ObjectId WriteBlob(IntPtr repo, byte[] content)
    {
        var oid = new byte[OidSize];
        var rc = git_blob_create_from_buffer(oid, repo, content, (nuint)content.Length);
        if (rc < 0)
        {
            throw new LibGit2SharpException($"git_blob_create_from_buffer failed: {LastError()}");
        }

        return new ObjectId(oid);
    }

    /// <summary>
    /// The id <paramref name="content"/> has as an object of <paramref name="type"/> (<see cref="ObjectTypeTree"/>,
    /// <see cref="ObjectTypeCommit"/>, <see cref="ObjectTypeBlob"/>), by libgit2's collision-detecting SHA-1.
    /// </summary>
    internal static ObjectId HashObject(ReadOnlySpan<byte> content, int type)
    {
        var oid = new byte[OidSize];
        var rc = git_odb_hash(oid, content, (nuint)content.Length, type);
        if (rc < 0)
        {
            throw new LibGit2SharpException($"git_odb_hash failed: {LastError()}");
        }

        return new ObjectId(oid);
    }

    /// <summary>The raw content of object <paramref name="id"/> (for a tree: its entries exactly as stored).</summary>
    internal static unsafe byte[] ReadObject(IntPtr repo, ObjectId id, out int type)
    {
        var rc = git_repository_odb(out var odb, repo);
        if (rc < 0)
        {
            throw new LibGit2SharpException($"git_repository_odb failed: {LastError()}");
        }

        try
        {
            rc = git_odb_read(out var obj, odb, id.RawId);
            if (rc < 0)
            {
                throw new LibGit2SharpException($"cannot read object {id.Sha}: {LastError()}");
            }

            try
            {
                type = git_odb_object_type(obj);
                var size = (int)git_odb_object_size(obj);
                return new ReadOnlySpan<byte>((void*)git_odb_object_data(obj), size).ToArray();
            }
            finally
            {
                git_odb_object_free(obj);
            }
        }
        finally
        {
            git_odb_free(odb);
        }
    }

    /// <summary>The directory holding the repository's objects (the common directory's, for a linked worktree).</summary>
    internal static string ObjectsDirectory(IntPtr repo)
    {
        var common = git_repository_commondir(repo);
        var dir = common == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(common);
        return dir is null ? throw new InvalidOperationException("libgit2 reports no common directory for the repository.") : Path.Combine(dir, "objects");
    }

    private static string LastError()
    {
        var ptr = git_error_last();
        if (ptr == IntPtr.Zero)
        {
            return "(no libgit2 error message)";
        }

        var message = Marshal.ReadIntPtr(ptr);
        return Marshal.PtrToStringUTF8(message) ?? "(no libgit2 error message)";
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Library)
        {
            return IntPtr.Zero;
        }

        // Make LibGit2Sharp load (and git_libgit2_init) its library first, then load the same file:
        // dlopen of the same path returns the same handle, so the options we set are the ones it uses.
        _ = GlobalSettings.Version;
        var owner = typeof(Repository).Assembly;
        if (GlobalSettings.NativeLibraryPath is { Length: > 0 } dir)
        {
            foreach (var file in new[] { $"lib{BundledLibraryName}.so", $"lib{BundledLibraryName}.dylib", $"{BundledLibraryName}.dll" })
            {
                if (NativeLibrary.TryLoad(Path.Combine(dir, file), out var h))
                {
                    return h;
                }
            }
        }

        if (NativeLibrary.TryLoad(BundledLibraryName, owner, searchPath, out var handle)
            || NativeLibrary.TryLoad("lib" + BundledLibraryName, owner, searchPath, out handle))
        {
            return handle;
        }

        throw new DllNotFoundException($"cannot load LibGit2Sharp's native library '{BundledLibraryName}'.");
    }

    private static string FindBundledLibraryName()
    {
        // LibGit2Sharp keeps the name in an internal constant; its version string carries the same hash.
        var field = typeof(Repository).Assembly.GetType("LibGit2Sharp.Core.NativeDllName")?.GetField("Name", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
        if (field?.GetValue(null) is string { Length: > 0 } name)
        {
            return name;
        }

        var version = GlobalSettings.Version.InformationalVersion;
        var at = version.IndexOf("libgit2-", StringComparison.Ordinal);
        return at >= 0 ? "git2-" + version[(at + "libgit2-".Length)..].Split('.')[0] : "git2";
    }

    [LibraryImport(Library)]
    private static partial int git_libgit2_opts(int option, int value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int git_repository_open(out IntPtr repo, string path);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int git_repository_set_ident(IntPtr repo, string name, string email);

    [LibraryImport(Library)]
    private static partial void git_repository_free(IntPtr repo);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int git_reference_create_matching(
        out IntPtr reference, IntPtr repo, string name, byte[] id, int force, byte[] currentId, string logMessage);

    [LibraryImport(Library)]
    private static partial int git_blob_create_from_buffer(byte[] id, IntPtr repo, byte[] buffer, nuint length);

    [LibraryImport(Library)]
    private static partial void git_reference_free(IntPtr reference);

    [LibraryImport(Library)]
    private static partial int git_odb_hash(byte[] id, ReadOnlySpan<byte> data, nuint length, int type);

    [LibraryImport(Library)]
    private static partial int git_repository_odb(out IntPtr odb, IntPtr repo);

    [LibraryImport(Library)]
    private static partial void git_odb_free(IntPtr odb);

    [LibraryImport(Library)]
    private static partial int git_odb_read(out IntPtr obj, IntPtr odb, byte[] id);

    [LibraryImport(Library)]
    private static partial IntPtr git_odb_object_data(IntPtr obj);

    [LibraryImport(Library)]
    private static partial nuint git_odb_object_size(IntPtr obj);

    [LibraryImport(Library)]
    private static partial int git_odb_object_type(IntPtr obj);

    [LibraryImport(Library)]
    private static partial void git_odb_object_free(IntPtr obj);

    [LibraryImport(Library)]
    private static partial IntPtr git_repository_commondir(IntPtr repo);

    [LibraryImport(Library)]
    private static partial IntPtr git_error_last();
}
