using System.Diagnostics;
using System.Text;
using LibGit2Sharp;

namespace Thermocline.Benchmarks;

/// <summary>
/// The baselines of the cold benchmark, each on its own repository: the least libgit2 can do to commit one
/// changed blob (blob, tree, commit, ref; no parsing, no index, no working tree), and the git CLI committing
/// only the task list (<c>git commit --only</c>) with the same durability (<c>core.fsync=added</c>, or <c>none</c>).
/// </summary>
internal static class ColdBaselines
{
    /// <summary>A one-blob libgit2 commit: the edited bytes are ready, only git work is timed.</summary>
    public sealed class BareLibgit2 : IDisposable
    {
        private readonly Repository _repo;
        private readonly string _path;
        private readonly Signature _signature = new("Bench", "bench@localhost", DateTimeOffset.UnixEpoch);

        public BareLibgit2(string workDir, string path)
        {
            _repo = new Repository(workDir);
            _path = path;
        }

        public double Commit(byte[] content, string message)
        {
            var sw = Stopwatch.StartNew();
            var head = _repo.Head.Tip;
            var blob = _repo.ObjectDatabase.CreateBlob(new MemoryStream(content, writable: false));
            var tree = _repo.ObjectDatabase.CreateTree(TreeDefinition.From(head.Tree).Add(_path, blob, Mode.NonExecutableFile));
            var commit = _repo.ObjectDatabase.CreateCommit(_signature, _signature, message, tree, [head], prettifyMessage: false);
            _repo.Refs.UpdateTarget(_repo.Refs.Head.ResolveToDirectReference(), commit.Id, "commit: bench");
            return sw.Elapsed.TotalMilliseconds;
        }

        public void Dispose() => _repo.Dispose();
    }

    /// <summary>Writes the file and runs <c>git commit --only PATH</c>, timing both.</summary>
    public static async Task<double> GitCliCommitAsync(string workDir, string home, string path, byte[] content, string message, string fsync, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        await File.WriteAllBytesAsync(Path.Combine(workDir, path), content, cancellationToken);
        var (code, stderr) = await GitAsync(workDir, home, ["-c", "core.fsync=" + fsync, "-c", "core.fsyncMethod=fsync", "commit", "-q", "--no-verify", "--only", path, "-m", message], cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"git commit failed: {stderr}");
        }

        return sw.Elapsed.TotalMilliseconds;
    }

    /// <summary>Runs git with configuration isolated to <paramref name="home"/>.</summary>
    public static async Task<(int Code, string Stderr)> GitAsync(string workDir, string home, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = workDir, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["HOME"] = home;
        psi.Environment["XDG_CONFIG_HOME"] = home;
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_AUTHOR_NAME"] = psi.Environment["GIT_COMMITTER_NAME"] = "Bench";
        psi.Environment["GIT_AUTHOR_EMAIL"] = psi.Environment["GIT_COMMITTER_EMAIL"] = "bench@localhost";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        _ = await p.StandardOutput.ReadToEndAsync(cancellationToken);
        await p.WaitForExitAsync(cancellationToken);
        return (p.ExitCode, await stderr);
    }

    /// <summary>Size of a directory tree in bytes.</summary>
    public static long DirectorySize(string dir) =>
        new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>The UTF-8 bytes of a text.</summary>
    public static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);
}
