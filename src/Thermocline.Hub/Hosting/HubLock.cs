using System.Globalization;
using System.Text;
using Thermocline.Domain.Errors;

namespace Thermocline.Hub.Hosting;

/// <summary>
/// One hub per repository: an exclusive lock on <c>.git/thermocline/hub.lock</c>, which also names the holder
/// (process id, address). The operating system drops the lock when the process dies, even by SIGKILL.
/// </summary>
public sealed class HubLock : IDisposable
{
    private readonly FileStream _stream;

    private HubLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Takes the lock for the repository whose git directory is <paramref name="gitDirectory"/>, or says who holds it.</summary>
    public static HubLock Acquire(string gitDirectory, string address)
    {
        var dir = System.IO.Path.Combine(gitDirectory, "thermocline");
        Directory.CreateDirectory(dir);
        var path = System.IO.Path.Combine(dir, "hub.lock");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            // The lock file itself cannot be read while locked; its holder writes who it is beside it.
            var holder = "another process";
            try
            {
                holder = File.ReadAllText(path + ".owner").Trim() is { Length: > 0 } t ? t : holder;
            }
            catch (IOException)
            {
            }

            throw ThermoclineException.Unavailable(
                $"another hub already runs on this repository ({holder}); lock file {path}. Stop it first, or point agents at it.");
        }

        File.WriteAllText(path + ".owner", string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}, {address}\n"), Encoding.UTF8);
        return new HubLock(stream, path);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            File.Delete(Path + ".owner");
        }
        catch (IOException)
        {
        }

        _stream.Dispose();
    }
}
