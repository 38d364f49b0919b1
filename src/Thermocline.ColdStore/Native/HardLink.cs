using System.Runtime.InteropServices;

namespace Thermocline.ColdStore.Native;

/// <summary>
/// POSIX <c>link(2)</c>: a second name for an existing file (.NET has no API for hard links). Creating a name this
/// way is atomic and fails if the name exists — like an exclusive create, but with the content already in place
/// and without allocating a new file, which on some file systems costs far more.
/// </summary>
internal static partial class HardLink
{
    private const int AlreadyExists = 17; // EEXIST on Linux and macOS

    /// <summary>What <see cref="Create"/> did.</summary>
    public enum Outcome
    {
        /// <summary>The new name exists now.</summary>
        Created,

        /// <summary>Something already has the new name; nothing changed.</summary>
        NameTaken,

        /// <summary>Not possible here (Windows, another file system, no permission, …); nothing changed.</summary>
        NotPossible,
    }

    /// <summary>Gives <paramref name="existing"/> the second name <paramref name="link"/>.</summary>
    public static Outcome Create(string existing, string link)
    {
        if (OperatingSystem.IsWindows())
        {
            return Outcome.NotPossible;
        }

        if (Link(existing, link) == 0)
        {
            return Outcome.Created;
        }

        return Marshal.GetLastPInvokeError() == AlreadyExists ? Outcome.NameTaken : Outcome.NotPossible;
    }

    /// <summary>True when <paramref name="link"/> now names <paramref name="existing"/>.</summary>
    public static bool TryCreate(string existing, string link) => Create(existing, link) == Outcome.Created;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);
}
