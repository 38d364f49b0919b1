using System.Runtime.InteropServices;
using LibGit2Sharp;

namespace Thermocline.ColdStore.Native;

/// <summary>
/// A standalone libgit2 index file (no repository opened, no blob read): the fast path for moving one entry
/// from the old blob to the new one. Layout of <c>git_index_entry</c> as in libgit2 1.x.
/// </summary>
internal sealed partial class NativeIndex : IDisposable
{
    private const string Library = "thermocline-libgit2";

    private IntPtr _index;

    private NativeIndex(IntPtr index) => _index = index;

    /// <summary>Opens an index file.</summary>
    public static NativeIndex Open(string path)
    {
        // Running LibGit2Native's static constructor registers the resolver for "thermocline-libgit2".
        _ = LibGit2Native.BundledLibraryName;
        var rc = git_index_open(out var index, path);
        if (rc < 0)
        {
            throw new LibGit2SharpException($"git_index_open({path}) failed ({rc}).");
        }

        return new NativeIndex(index);
    }

    /// <summary>The stage-0 entry's object id, or null when there is none.</summary>
    public unsafe ObjectId? IdOf(string path)
    {
        var entry = (Entry*)git_index_get_bypath(_index, path, 0);
        return entry is null ? null : new ObjectId(new ReadOnlySpan<byte>(entry->Id, LibGit2Native.OidSize).ToArray());
    }

    /// <summary>
    /// Points the stage-0 entry at <paramref name="id"/>. Its stat data is cleared, so git re-hashes the
    /// working-tree file once instead of trusting stale sizes and times.
    /// </summary>
    public unsafe void Repoint(string path, ObjectId id)
    {
        var current = (Entry*)git_index_get_bypath(_index, path, 0);
        if (current is null)
        {
            throw new InvalidOperationException($"{path} is not in the index.");
        }

        var entry = *current;
        entry.CtimeSeconds = entry.CtimeNanos = entry.MtimeSeconds = entry.MtimeNanos = 0;
        entry.Dev = entry.Ino = entry.Uid = entry.Gid = entry.FileSize = 0;
        id.RawId.AsSpan().CopyTo(new Span<byte>(entry.Id, LibGit2Native.OidSize));
        var rc = git_index_add(_index, &entry);
        if (rc < 0)
        {
            throw new LibGit2SharpException($"git_index_add({path}) failed ({rc}).");
        }
    }

    /// <summary>Writes the index back to its file (through libgit2's own lock file beside it).</summary>
    public void Write()
    {
        var rc = git_index_write(_index);
        if (rc < 0)
        {
            throw new LibGit2SharpException($"git_index_write failed ({rc}).");
        }
    }

    public void Dispose()
    {
        if (_index != IntPtr.Zero)
        {
            git_index_free(_index);
            _index = IntPtr.Zero;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct Entry
    {
        public int CtimeSeconds;
        public int CtimeNanos;
        public int MtimeSeconds;
        public int MtimeNanos;
        public int Dev;
        public int Ino;
        public uint Mode;
        public int Uid;
        public int Gid;
        public int FileSize;
        public fixed byte Id[20];
        public ushort Flags;
        public ushort FlagsExtended;
        public IntPtr Path;
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int git_index_open(out IntPtr index, string path);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr git_index_get_bypath(IntPtr index, string path, int stage);

    [LibraryImport(Library)]
    private static unsafe partial int git_index_add(IntPtr index, Entry* entry);

    [LibraryImport(Library)]
    private static partial int git_index_write(IntPtr index);

    [LibraryImport(Library)]
    private static partial void git_index_free(IntPtr index);
}
