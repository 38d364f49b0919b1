using System.Diagnostics;
using System.Text;

namespace Thermocline.Testing;

/// <summary>
/// A fresh git repository in its own temporary directory, deleted on dispose. Git commands run with user,
/// global and system configuration isolated (HOME and XDG_CONFIG_HOME point into the directory,
/// GIT_CONFIG_NOSYSTEM is set), so the machine's git config never leaks into a test. In-process libgit2
/// callers isolate themselves through <see cref="ConfigHome"/> (LibGit2Sharp's GlobalSettings search paths).
/// </summary>
public sealed class TempGitRepository : IDisposable
{
    private const string TestAuthor = "Test Person";
    private const string TestEmail = "person@example.com";

    private TempGitRepository(string root)
    {
        Root = root;
        WorkDir = Path.Combine(root, "repo");
        ConfigHome = Path.Combine(root, "home");
        Directory.CreateDirectory(WorkDir);
        Directory.CreateDirectory(ConfigHome);
    }

    /// <summary>The temporary directory holding everything (deleted on dispose).</summary>
    public string Root { get; }

    /// <summary>The repository's working directory.</summary>
    public string WorkDir { get; }

    /// <summary>The <c>.git</c> directory.</summary>
    public string GitDir => Path.Combine(WorkDir, ".git");

    /// <summary>An empty directory used as HOME / XDG config home / global config search path.</summary>
    public string ConfigHome { get; }

    /// <summary>True when a <c>git</c> executable is on PATH.</summary>
    public static bool GitAvailable { get; } = FindGit();

    /// <summary>Creates a repository on branch <c>main</c> with a local test identity and no commits.</summary>
    public static TempGitRepository Create()
    {
        var root = Path.Combine(Path.GetTempPath(), "thermocline-git-" + Guid.NewGuid().ToString("N")[..12]);
        var repo = new TempGitRepository(root);
        try
        {
            repo.Git("init", "-q", "-b", "main");
            repo.Git("config", "user.name", TestAuthor);
            repo.Git("config", "user.email", TestEmail);
            repo.Git("config", "commit.gpgsign", "false");
            repo.Git("config", "core.autocrlf", "false");
            return repo;
        }
        catch
        {
            repo.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a repository whose first commit holds <paramref name="relativePath"/> with <paramref name="content"/>, made
    /// now or at <paramref name="date"/> (author and committer).
    /// </summary>
    public static TempGitRepository CreateWith(string relativePath, string content, string message = "Initial commit", DateTimeOffset? date = null)
    {
        var repo = Create();
        repo.WriteFile(relativePath, content);
        repo.Git("add", "--", relativePath);
        var when = date?.ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
        using var commit = repo.StartGit(when is null ? new Dictionary<string, string>() : new() { ["GIT_AUTHOR_DATE"] = when, ["GIT_COMMITTER_DATE"] = when }, "commit", "-q", "-m", message);
        commit.WaitForExit();
        if (commit.ExitCode != 0)
        {
            throw new InvalidOperationException($"git commit exited {commit.ExitCode}: {commit.StandardError.ReadToEnd().Trim()}");
        }

        return repo;
    }

    /// <summary>
    /// Creates a clone of <paramref name="remote"/> (a bare repository's path, or a URL) as its remote <c>origin</c>, on
    /// <paramref name="branch"/> tracking <c>origin/BRANCH</c>, in its own temporary directory with the test identity.
    /// </summary>
    public static TempGitRepository Clone(string remote, string branch = "main")
    {
        var repo = Create();
        try
        {
            repo.Git("remote", "add", "origin", remote);
            repo.Git("pull", "-q", "origin", branch);
            repo.Git("branch", "-q", $"--set-upstream-to=origin/{branch}");
            return repo;
        }
        catch
        {
            repo.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes a bare repository in this one's temporary directory (<c>Root/NAME.git</c>, deleted with it), adds it as the
    /// remote <paramref name="name"/> and pushes <c>main</c> there, tracking it; returns the bare repository's path.
    /// </summary>
    public string PublishToBare(string name = "origin")
    {
        var bare = Path.Combine(Root, name + ".git");
        Git("init", "-q", "--bare", "-b", "main", bare);
        Git("remote", "add", name, bare);
        Git("push", "-q", "-u", name, "main");
        return bare;
    }

    /// <summary>The full path of a file in the working directory.</summary>
    public string PathOf(string relativePath) => Path.Combine(WorkDir, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Writes a working-tree file (UTF-8, no BOM, exactly the text given), creating directories.</summary>
    public void WriteFile(string relativePath, string content) => WriteBytes(relativePath, new UTF8Encoding(false).GetBytes(content));

    /// <summary>Writes a working-tree file's bytes, creating directories.</summary>
    public void WriteBytes(string relativePath, byte[] content)
    {
        var path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    /// <summary>Reads a working-tree file as text.</summary>
    public string ReadFile(string relativePath) => File.ReadAllText(PathOf(relativePath));

    /// <summary>Stages and commits the given paths as the test person; returns the new commit id.</summary>
    public string CommitFiles(string message, params string[] relativePaths)
    {
        Git(["add", "--", .. relativePaths]);
        Git("commit", "-q", "-m", message);
        return Head();
    }

    /// <summary>The full id of HEAD.</summary>
    public string Head() => Git("rev-parse", "HEAD").Trim();

    /// <summary>A file's content at a revision (<c>git show REV:PATH</c>).</summary>
    public string Show(string revision, string relativePath) => Git("show", $"{revision}:{relativePath}");

    /// <summary><c>git status --porcelain</c> (empty when clean).</summary>
    public string Status() => Git("status", "--porcelain").TrimEnd();

    /// <summary>Runs git in the working directory with configuration isolated; returns stdout, throws on a non-zero exit.</summary>
    public string Git(params string[] args)
    {
        var (code, stdout, stderr) = TryGit(args);
        if (code != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} exited {code}: {stderr.Trim()}");
        }

        return stdout;
    }

    /// <summary>Runs git in the working directory with configuration isolated; returns the exit code and output.</summary>
    public (int ExitCode, string Stdout, string Stderr) TryGit(params string[] args) => TryGitWithInput(null, args);

    /// <summary>As <see cref="TryGit"/>, writing <paramref name="stdin"/> to git's standard input.</summary>
    public (int ExitCode, string Stdout, string Stderr) TryGitWithInput(string? stdin, params string[] args)
    {
        using var p = Process.Start(GitStartInfo(args, stdin is not null, null)) ?? throw new InvalidOperationException("could not start git");
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }

        var stderrTask = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderrTask.GetAwaiter().GetResult());
    }

    /// <summary>
    /// Starts git as a person would, in the background (e.g. <c>git commit -a</c> with an editor that waits); the caller
    /// waits for it and disposes it. <paramref name="environment"/> overrides the isolated defaults (GIT_EDITOR, …).
    /// </summary>
    public Process StartGit(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Process.Start(GitStartInfo(args, false, environment)) ?? throw new InvalidOperationException("could not start git");

    private ProcessStartInfo GitStartInfo(string[] args, bool redirectInput, IReadOnlyDictionary<string, string>? environment)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = WorkDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["HOME"] = ConfigHome;
        psi.Environment["XDG_CONFIG_HOME"] = ConfigHome;
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = Path.Combine(ConfigHome, ".gitconfig");
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_EDITOR"] = "true";
        psi.Environment["LC_ALL"] = "C";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        return psi;
    }

    /// <summary>Deletes the directory and everything in it.</summary>
    public void Dispose()
    {
        for (var attempt = 0; attempt < 3 && Directory.Exists(Root); attempt++)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                Thread.Sleep(50);
            }
            catch (UnauthorizedAccessException)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static bool FindGit()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, OperatingSystem.IsWindows() ? "git.exe" : "git")));
    }
}
