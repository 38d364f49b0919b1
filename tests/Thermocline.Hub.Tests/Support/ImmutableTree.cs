using System.Diagnostics;

namespace Thermocline.Hub.Tests.Support;

/// <summary>
/// A directory tree nobody may change while this lives — what a read-only <c>.git</c> is to the hub. For an ordinary
/// user the write bits are taken away; root ignores those, so for root every entry gets the immutable attribute
/// (<c>chattr +i</c>), which binds root too. Disposing restores the tree, so its test can delete it.
/// </summary>
internal sealed class ImmutableTree : IDisposable
{
    private readonly string _root;
    private readonly List<(string Path, UnixFileMode Mode)> _modes = [];

    private ImmutableTree(string root)
    {
        _root = root;
    }

    public static ImmutableTree Apply(string root)
    {
        var tree = new ImmutableTree(root);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("ImmutableTree uses Unix file modes and chattr");
        }

        if (Environment.IsPrivilegedProcess)
        {
            Chattr("+i", root);
            return tree;
        }

        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Prepend(root))
        {
            var mode = File.GetUnixFileMode(path);
            tree._modes.Add((path, mode));
            File.SetUnixFileMode(path, mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }

        return tree;
    }

    public void Dispose()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (Environment.IsPrivilegedProcess)
        {
            Chattr("-i", _root);
            return;
        }

        foreach (var (path, mode) in _modes)
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static void Chattr(string flag, string root)
    {
        using var process = Process.Start(new ProcessStartInfo("chattr") { ArgumentList = { "-R", flag, root }, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start chattr");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chattr -R {flag} {root} failed (the test needs a file system with the immutable attribute, e.g. ext4): {error}");
    }
}
