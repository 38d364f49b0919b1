using System.IO.Compression;
using System.Text;
using LibGit2Sharp;
using Thermocline.ColdStore.Native;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Writes a commit's objects as loose objects exactly as git lays them out (<c>objects/ab/cdef…</c>, zlib level 1 —
/// git's <c>core.looseCompression</c> default and libgit2's), in two steps that can run side by side:
/// <see cref="Stage"/> compresses an object (on the runtime's zlib-ng) into a temp file under <c>objects/</c>, while
/// its id is computed with libgit2's collision-detecting SHA-1 (<see cref="HashBlob"/>, <see cref="CommitObjects"/>);
/// <see cref="PublishAll"/> then renames the temp files into their fan-out directories. When durable, every file is
/// fsynced when staged and every directory it lands in (and a new fan-out directory's parent) before
/// <see cref="PublishAll"/> returns — what libgit2 does with its fsync switch on, but the fsyncs of a commit's objects
/// run at the same time instead of one after the other.
/// </summary>
internal sealed class LooseObjectWriter(string objectsDirectory, bool durable)
{
    private const int GitLooseCompression = 1;

    /// <summary>The blob id of <paramref name="content"/> (libgit2's SHA-1, collision-detecting).</summary>
    public static ObjectId HashBlob(byte[] content) => LibGit2Native.HashObject(content, LibGit2Native.ObjectTypeBlob);

    /// <summary>Compresses <paramref name="content"/> as an object of <paramref name="type"/> (blob, tree, commit) into a temp file (fsynced when durable); nothing refers to it yet.</summary>
    /// <exception cref="IOException">It could not be written; nothing is left behind.</exception>
    public StagedObject Stage(string type, byte[] content)
    {
        var compressed = Deflate(type, content);
        var temp = Path.Combine(objectsDirectory, $"tmp_obj_thermocline_{Environment.ProcessId}_{Guid.NewGuid():N}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead; // git's 0444
            }

            using var stream = new FileStream(temp, options);
            stream.Write(compressed.GetBuffer(), 0, (int)compressed.Length);
            if (durable)
            {
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return new StagedObject(temp);
    }

    /// <summary>
    /// Puts staged objects in place under their ids, each unless git has it already, and when durable makes their
    /// directories durable, all at once.
    /// </summary>
    /// <exception cref="IOException">One could not be put in place; nothing refers to them yet.</exception>
    public void PublishAll(IReadOnlyList<(StagedObject Staged, ObjectId Id)> objects)
    {
        var dirs = new HashSet<string>(StringComparer.Ordinal);
        var madeDir = false;
        foreach (var (staged, id) in objects)
        {
            var hex = id.Sha;
            var dir = Path.Combine(objectsDirectory, hex[..2]);
            var final = Path.Combine(dir, hex[2..]);
            if (File.Exists(final))
            {
                Freshen(final);
                continue;
            }

            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir);
                madeDir = true;
            }

            try
            {
                File.Move(staged.TempPath, final, overwrite: false);
                dirs.Add(dir);
            }
            catch (IOException) when (File.Exists(final))
            {
                Freshen(final); // written by someone else meanwhile: same id, same content
            }
        }

        if (durable)
        {
            if (madeDir)
            {
                dirs.Add(objectsDirectory);
            }

            Parallel.ForEach(dirs, DirectorySync.Flush);
        }
    }

    private static MemoryStream Deflate(string type, byte[] content)
    {
        var header = Encoding.ASCII.GetBytes($"{type} {content.Length}\0");
        var output = new MemoryStream((content.Length / 8) + 64);
        using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = GitLooseCompression }, leaveOpen: true))
        {
            zlib.Write(header);
            zlib.Write(content);
        }

        return output;
    }

    // As git does for an object it did not have to write: a fresh mtime keeps a prune from taking it before the commit
    // that refers to it is in.
    private static void Freshen(string path)
    {
        try
        {
            // The file system's clock, not the store's TimeProvider: git's prune compares file times with the real now.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Someone else's object we may not touch: it is there, which is what counts.
        }
    }

    /// <summary>A compressed object in a temp file; disposing removes the file unless it was published.</summary>
    internal sealed class StagedObject(string tempPath) : IDisposable
    {
        /// <summary>The temp file.</summary>
        public string TempPath { get; } = tempPath;

        public void Dispose()
        {
            if (File.Exists(TempPath))
            {
                File.Delete(TempPath);
            }
        }
    }
}
