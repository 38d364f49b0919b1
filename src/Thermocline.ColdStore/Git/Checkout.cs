namespace Thermocline.ColdStore.Git;

/// <summary>How a commit to the hub's branch may treat the working copy (working tree and index) right now.</summary>
internal enum CopyMode
{
    /// <summary>HEAD is the hub's branch and nothing is in progress: commit and bring the working copy in step.</summary>
    InStep,

    /// <summary>
    /// The branch is checked out nowhere (HEAD detached, on another branch, a bisect): commit by moving the branch ref
    /// only; the working copy is the person's. Git brings it up to the branch when they check it out again.
    /// </summary>
    RefOnly,

    /// <summary>A person's pending operation could revert a commit made now (a merge, a rebase of the branch, …): refuse.</summary>
    Busy,
}

/// <summary>The state of the checkout, read from git's own files: what a commit may do, and why.</summary>
/// <param name="Mode">What a commit may do.</param>
/// <param name="Why">For anything but <see cref="CopyMode.InStep"/>: what the person is doing, and for Busy what to run.</param>
/// <param name="Idle">HEAD is off the branch (another branch, or detached) with nothing in progress.</param>
internal readonly record struct Checkout(CopyMode Mode, string? Why, bool Idle = false)
{
    /// <summary>
    /// Reads HEAD and the marks git leaves while an operation is in progress (MERGE_HEAD, rebase-merge/, …) in this
    /// worktree's <paramref name="gitDir"/>, and the HEADs of the repository's other worktrees.
    /// </summary>
    public static Checkout Inspect(string gitDir, string commonDir, string workDir, string branchRef)
    {
        var head = SymbolicTarget(Path.Combine(gitDir, "HEAD"));
        var attached = head == branchRef;
        var branch = branchRef["refs/heads/".Length..];
        var where = attached ? $"on {branch} in {workDir}" : head is null ? $"HEAD is detached in {workDir}" : $"HEAD is on {head["refs/heads/".Length..]} in {workDir}";

        foreach (var rebase in new[] { "rebase-merge", "rebase-apply" })
        {
            var dir = Path.Combine(gitDir, rebase);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            if (File.Exists(Path.Combine(dir, "applying")))
            {
                return attached
                    ? Busy($"'git am' is applying patches {where}; its commits are built from the working copy and would revert this milestone. Finish it (git am --continue) or abort it (git am --abort), then retry.")
                    : Elsewhere($"'git am' is in progress and {where}");
            }

            if (SymbolicTargetText(Path.Combine(dir, "head-name")) == branchRef)
            {
                return Busy($"a rebase of {branch} is in progress in {workDir} (git pull --rebase, git rebase); 'git rebase --abort' would put {branch} back and drop this milestone. " +
                    "Finish it (git rebase --continue) or abort it (git rebase --abort), then retry.");
            }

            return Elsewhere($"a rebase of another branch is in progress in {workDir}");
        }

        foreach (var (mark, what, finish) in Operations)
        {
            if (File.Exists(Path.Combine(gitDir, mark)) || (mark == "sequencer" && Directory.Exists(Path.Combine(gitDir, mark))))
            {
                return attached
                    ? Busy($"{what} is in progress {where} ({mark} exists); the commit that ends it is built from the working copy and would revert this milestone. {finish}, then retry.")
                    : Elsewhere($"{what} is in progress and {where}");
            }
        }

        if (File.Exists(Path.Combine(gitDir, "BISECT_START")))
        {
            return Elsewhere($"a bisect is in progress in {workDir} ('git bisect reset' checks {branch} out again)");
        }

        if (attached)
        {
            return new Checkout(CopyMode.InStep, null);
        }

        if (CheckedOutElsewhere(gitDir, commonDir, branchRef) is { } other)
        {
            return Busy($"{branch} is checked out in the worktree {other}, whose working copy the hub cannot keep in step; run the hub there, or switch that worktree to another branch, then retry.");
        }

        return new Checkout(CopyMode.RefOnly, where, Idle: true);
    }

    private static readonly (string Mark, string What, string Finish)[] Operations =
    [
        ("MERGE_HEAD", "a merge", "Finish it (resolve, git add, git commit) or abort it (git merge --abort)"),
        ("CHERRY_PICK_HEAD", "a cherry-pick", "Finish it (git cherry-pick --continue) or abort it (git cherry-pick --abort)"),
        ("REVERT_HEAD", "a revert", "Finish it (git revert --continue) or abort it (git revert --abort)"),
        ("sequencer", "a cherry-pick or revert sequence", "Finish it (git cherry-pick --continue) or stop it (git cherry-pick --quit)"),
    ];

    private static Checkout Busy(string why) => new(CopyMode.Busy, why);

    private static Checkout Elsewhere(string why) => new(CopyMode.RefOnly, why);

    // The worktree (other than ours) whose HEAD is the branch, or null.
    private static string? CheckedOutElsewhere(string gitDir, string commonDir, string branchRef)
    {
        var ours = Path.GetFullPath(gitDir).TrimEnd(Path.DirectorySeparatorChar);
        var heads = new List<(string GitDir, string Name)>();
        if (Path.GetFullPath(commonDir).TrimEnd(Path.DirectorySeparatorChar) != ours)
        {
            heads.Add((commonDir, Path.GetDirectoryName(Path.GetFullPath(commonDir).TrimEnd(Path.DirectorySeparatorChar)) ?? commonDir));
        }

        var worktrees = Path.Combine(commonDir, "worktrees");
        if (Directory.Exists(worktrees))
        {
            foreach (var dir in Directory.EnumerateDirectories(worktrees))
            {
                if (Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar) != ours)
                {
                    var link = Path.Combine(dir, "gitdir");
                    heads.Add((dir, File.Exists(link) ? Path.GetDirectoryName(File.ReadAllText(link).Trim()) ?? dir : dir));
                }
            }
        }

        return heads.FirstOrDefault(h => SymbolicTarget(Path.Combine(h.GitDir, "HEAD")) == branchRef).Name;
    }

    private static string? SymbolicTarget(string headFile)
    {
        var text = SymbolicTargetText(headFile);
        return text is not null && text.StartsWith("ref: ", StringComparison.Ordinal) ? text["ref: ".Length..] : null;
    }

    private static string? SymbolicTargetText(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
