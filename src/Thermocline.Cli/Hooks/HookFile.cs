namespace Thermocline.Cli.Hooks;

/// <summary>One hook in the hooks folder as <c>thermo setup --hooks</c> found it: ours, someone else's, or none; and whether a chained hook is kept beside it.</summary>
/// <param name="Name">The hook's name, e.g. <c>pre-push</c>.</param>
/// <param name="Path">The hook's full path.</param>
/// <param name="Content">Its bytes (through a symbolic link), or null when there is none.</param>
/// <param name="IsOurs">True when it is a script thermo wrote.</param>
/// <param name="Executable">True when git would run it.</param>
/// <param name="HasChained">True when a chained hook (<see cref="HookScript.ChainedName"/>) is beside it.</param>
internal sealed record HookFile(string Name, string Path, byte[]? Content, bool IsOurs, bool Executable, bool HasChained)
{
    /// <summary>Where its chained hook is (or would be) kept.</summary>
    public string ChainedPath => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, HookScript.ChainedName(Name));

    /// <summary>True when a file (or a link, even a broken one) is at <see cref="Path"/>.</summary>
    public bool Exists => IsThere(Path);

    /// <summary>Reads hook <paramref name="name"/> in <paramref name="folder"/>.</summary>
    public static async Task<HookFile> ReadAsync(string folder, string name, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(folder, name);
        byte[]? content = null;
        if (File.Exists(path))
        {
            content = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        else if (IsThere(path))
        {
            content = []; // a broken link, or not a regular file: someone's, kept as it is
        }

        var executable = File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0);
        var ours = content is { Length: > 0 } && HookScript.IsOurs(content);
        return new(name, path, content, ours, executable, IsThere(System.IO.Path.Combine(folder, HookScript.ChainedName(name))));
    }

    private static bool IsThere(string path) => File.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
