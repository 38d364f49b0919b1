using System.Runtime.InteropServices;

namespace Thermocline.ColdStore.Native;

/// <summary>
/// fsync of a directory, so that a file renamed into it survives a power cut (.NET cannot open a directory as a
/// file). POSIX only; on Windows the file system journals renames itself and this does nothing.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    /// <summary>Flushes <paramref name="directory"/>'s entries to disk.</summary>
    /// <exception cref="IOException">The directory could not be opened or flushed.</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = open(directory, ReadOnly | CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (fsync(fd) != 0)
            {
                throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
