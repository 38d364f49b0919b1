using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore;

/// <summary>Settings of a <see cref="GitColdStore"/>. <see cref="Validate"/> names the first bad property.</summary>
public sealed class ColdStoreOptions
{
    /// <summary>The repository's working directory (or any path inside it). Required.</summary>
    public string RepositoryPath { get; set; } = "";

    /// <summary>The task list, relative to the working directory, with <c>/</c> separators. Default <c>docs/task-list.md</c>.</summary>
    public string TaskListPath { get; set; } = TaskList.DefaultPath;

    /// <summary>
    /// The branch every commit goes to (a short name such as <c>main</c>). Default null: the branch checked out when the
    /// store opens (a detached HEAD then refuses to open).
    /// </summary>
    public string? Branch { get; set; }

    /// <summary>
    /// A git remote (its name, e.g. <c>origin</c>) whose copy of <see cref="Branch"/> is the branch of record: every commit
    /// is pushed there (a compare-and-swap on the remote ref) before it is acknowledged. Default null: commits stay local.
    /// </summary>
    public string? Remote { get; set; }

    /// <summary>How long one push or fetch may take before the remote counts as unreachable. Default 10 s; 1 s–10 min.</summary>
    public TimeSpan RemoteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A hub of a group that shares one remote (a standby hub): it commits only while it leads
    /// (<see cref="GitColdStore.ClaimLeadershipAsync"/>), every push atomic with the remote's leader ref. Needs <see cref="Remote"/>.
    /// </summary>
    public bool HubGroup { get; set; }

    /// <summary>Author and committer name of every commit. Default <c>Thermocline Hub</c>.</summary>
    public string CommitterName { get; set; } = "Thermocline Hub";

    /// <summary>Author and committer e-mail of every commit. Default <c>thermocline@localhost</c>.</summary>
    public string CommitterEmail { get; set; } = "thermocline@localhost";

    /// <summary>
    /// Make libgit2 fsync objects, refs and the index before a commit is acknowledged, so an acknowledged
    /// transition survives a power cut. Process-wide once on; turning it off only affects stores opened later.
    /// Default true.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary>How long to keep retrying while another process holds <c>.git/index.lock</c> or a ref lock. Default 3 s; 0–60 s.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many times a commit is re-applied when HEAD moves underneath it. Default 5; 1–100.</summary>
    public int MaxHeadMovedRetries { get; set; } = 5;

    /// <summary>Display syncs are skipped this long after a cold commit. Default 5 s; 0–10 min.</summary>
    public TimeSpan DisplayQuietPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A save of the task list this soon after the hub wrote a milestone into it, showing for that PR exactly the state the
    /// milestone moved it from, comes from a buffer read before the write: the milestone is applied again. Default 10 s; 0 (off) to 1 min.
    /// </summary>
    public TimeSpan StaleSaveWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest free-text reason kept in a commit message, in characters. Default 200; 16–2000.</summary>
    public int MaxReasonLength { get; set; } = 200;

    /// <summary>Check for loose objects to pack after this many of our commits; 0 turns packing off. Default 50; 0–100,000.</summary>
    public int PackCheckInterval { get; set; } = 50;

    /// <summary>Pack loose objects when more than this many are found. Default 400; 1–1,000,000.</summary>
    public int PackLooseObjectThreshold { get; set; } = 400;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first property that is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RepositoryPath))
        {
            throw new ArgumentException($"{nameof(RepositoryPath)} is required.", nameof(RepositoryPath));
        }

        if (string.IsNullOrWhiteSpace(TaskListPath) || Path.IsPathRooted(TaskListPath) || TaskListPath.Contains('\\', StringComparison.Ordinal)
            || TaskListPath.Split('/').Any(s => s is "" or "." or ".." || s.Equals(".git", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"{nameof(TaskListPath)} must be a relative path with '/' separators inside the working directory, e.g. docs/task-list.md.", nameof(TaskListPath));
        }

        Require(Branch is null || IsValidBranchName(Branch), nameof(Branch), "a branch name such as main or team/hub (no spaces, '..', '~', '^', ':', '?', '*', '[', '\\' or control characters)");
        Require(Remote is null || IsValidRemoteName(Remote), nameof(Remote), "a remote's name such as origin (letters, digits, '-', '_', '.')");
        Require(!HubGroup || Remote is not null, nameof(HubGroup), "only with a remote (the hubs of a group share it)");
        Require(RemoteTimeout >= TimeSpan.FromSeconds(1) && RemoteTimeout <= TimeSpan.FromMinutes(10), nameof(RemoteTimeout), "between 1 s and 10 min");
        Require(IsSingleLine(CommitterName) && !CommitterName.Contains('<', StringComparison.Ordinal) && !CommitterName.Contains('>', StringComparison.Ordinal), nameof(CommitterName), "one line without '<' or '>'");
        Require(IsSingleLine(CommitterEmail) && !CommitterEmail.Contains('<', StringComparison.Ordinal) && !CommitterEmail.Contains('>', StringComparison.Ordinal), nameof(CommitterEmail), "one line without '<' or '>'");
        Require(LockTimeout >= TimeSpan.Zero && LockTimeout <= TimeSpan.FromSeconds(60), nameof(LockTimeout), "between 0 and 60 s");
        Require(MaxHeadMovedRetries is >= 1 and <= 100, nameof(MaxHeadMovedRetries), "between 1 and 100");
        Require(DisplayQuietPeriod >= TimeSpan.Zero && DisplayQuietPeriod <= TimeSpan.FromMinutes(10), nameof(DisplayQuietPeriod), "between 0 and 10 min");
        Require(StaleSaveWindow >= TimeSpan.Zero && StaleSaveWindow <= TimeSpan.FromMinutes(1), nameof(StaleSaveWindow), "between 0 and 1 min");
        Require(MaxReasonLength is >= 16 and <= 2000, nameof(MaxReasonLength), "between 16 and 2000");
        Require(PackCheckInterval is >= 0 and <= 100_000, nameof(PackCheckInterval), "between 0 and 100,000");
        Require(PackLooseObjectThreshold is >= 1 and <= 1_000_000, nameof(PackLooseObjectThreshold), "between 1 and 1,000,000");
    }

    /// <summary>True for a name git accepts for a branch (a subset of git check-ref-format: no spaces, '..', '~', '^', ':', '?', '*', '[', '\\').</summary>
    public static bool IsValidBranchName(string name) =>
        name.Length is > 0 and <= 200 && !name.StartsWith('-') && !name.StartsWith('/') && !name.EndsWith('/') && !name.EndsWith(".lock", StringComparison.Ordinal)
        && !name.EndsWith('.') && !name.Contains("..", StringComparison.Ordinal) && !name.Contains("//", StringComparison.Ordinal) && !name.Contains("@{", StringComparison.Ordinal)
        && name.All(c => c > ' ' && c != 0x7F && "~^:?*[\\".IndexOf(c, StringComparison.Ordinal) < 0);

    /// <summary>True for a remote name the hub accepts (letters, digits, '-', '_', '.'; not starting with '-' or '.').</summary>
    public static bool IsValidRemoteName(string name) => Git.GitRemote.IsValidName(name);

    private static bool IsSingleLine(string value) => !string.IsNullOrWhiteSpace(value) && !value.Any(char.IsControl);

    private static void Require(bool ok, string property, string range)
    {
        if (!ok)
        {
            throw new ArgumentException($"{property} must be {range}.", property);
        }
    }
}
