namespace Thermocline.ColdStore.Git;

/// <summary>How a push or fetch of the remote branch ended.</summary>
internal enum RemoteVerdict
{
    /// <summary>Done: the remote branch is at the pushed commit, or was fetched.</summary>
    Done,

    /// <summary>The remote branch was not where this clone last saw it (someone pushed): fetch, re-plan, push again.</summary>
    Stale,

    /// <summary>The remote took the connection and refused the update (a hook, branch protection, permissions).</summary>
    Refused,

    /// <summary>The remote could not be reached, or did not answer in time (the push may or may not have landed).</summary>
    Unreachable,

    /// <summary>The group's leader ref on the remote is another hub's now: this hub was taken over and must not commit.</summary>
    Deposed,
}

/// <summary>What one push or fetch gave: the verdict and, for anything but success, what git said.</summary>
internal readonly record struct RemoteOutcome(RemoteVerdict Verdict, string? Why)
{
    public bool Succeeded => Verdict == RemoteVerdict.Done;
}

/// <summary>
/// The hub's branch on one git remote, through the git command line (so the user's transports, URL rewrites,
/// credential helpers and ssh configuration apply as they do for their own pushes). A push is a compare-and-swap:
/// <c>--force-with-lease</c> names the remote tip the commit was built on, so a push that raced anyone else's — a
/// person's, or another hub's — is refused rather than overwriting it. The fetch refspec is forced, so a person's
/// force-push is seen as it is (and the milestones it dropped are restored on top).
/// </summary>
internal sealed partial class GitRemote(string name, string branch, string repositoryDirectory, TimeSpan timeout)
{
    /// <summary>The remote's name, e.g. <c>origin</c>.</summary>
    public string Name => name;

    /// <summary>The remote-tracking ref this clone keeps of the remote branch: <c>refs/remotes/origin/main</c>.</summary>
    public string TrackingRef => $"refs/remotes/{name}/{branch}";

    /// <summary>The remote branch as people name it: <c>origin/main</c>.</summary>
    public string Display => $"{name}/{branch}";

    /// <summary>True for a name git accepts for a remote and that can be given on a command line safely.</summary>
    public static bool IsValidName(string value) =>
        value.Length is > 0 and <= 100 && !value.StartsWith('-') && !value.StartsWith('.') && !value.EndsWith(".lock", StringComparison.Ordinal)
        && !value.Contains("..", StringComparison.Ordinal) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The ref on the remote that names the active hub of a group (<see cref="LeaderMark"/>).</summary>
    public const string LeaderRef = "refs/thermocline/leader";

    /// <summary>
    /// Pushes <paramref name="sha"/> to the remote branch if the remote is still at <paramref name="expected"/> (null: the
    /// branch must not exist there). With <paramref name="leader"/> (a hub of a group), the push is atomic with the
    /// leader ref: it lands only while that ref is still at <see cref="LeaderMark.Expected"/>, and sets it to this hub's
    /// mark — so after another hub took over (moved the ref), none of this hub's pushes lands: <see cref="RemoteVerdict.Deposed"/>.
    /// </summary>
    public async Task<RemoteOutcome> PushAsync(string? sha, string? expected, LeaderMark? leader, CancellationToken cancellationToken)
    {
        List<string> args = ["push", "--porcelain", "--no-verify"];
        if (sha is not null)
        {
            args.AddRange([$"--force-with-lease=refs/heads/{branch}:{expected}"]);
        }

        if (leader is not null)
        {
            args.AddRange(["--atomic", $"--force-with-lease={LeaderRef}:{leader.Expected}"]);
        }

        args.Add(name);
        if (sha is not null)
        {
            args.Add($"{sha}:refs/heads/{branch}");
        }

        if (leader is not null)
        {
            args.Add($"{leader.Sha}:{LeaderRef}");
        }

        var result = await GitProcess.RunAsync(repositoryDirectory, args, timeout, cancellationToken);
        if (result.ExitCode == 0)
        {
            return new(RemoteVerdict.Done, null);
        }

        if (result.TimedOut)
        {
            return new(RemoteVerdict.Unreachable, $"git push to {name} did not finish within {timeout.TotalSeconds:0.#} s (it may still have reached {name}; the next fetch tells)");
        }

        // --porcelain: one "FLAG\tFROM:TO\tSUMMARY (REASON)" line per ref; '!' is a rejection. In an atomic push the ref that
        // was not refused itself says "atomic push failed"; the other one says why.
        var rejected = result.Out.Split('\n').Where(l => l.StartsWith("!\t", StringComparison.Ordinal)).ToList();
        // A push that passed the lease check but found the ref moved when it locked it (another push landed in between)
        // lost the same race: git says "cannot lock ref '<ref>': is at X but expected Y".
        // Stock git says so on stderr; hosted remotes (GitHub) in the rejection's reason on the porcelain line.
        bool MovedAtLock(string refName) =>
            result.Error.Contains($"cannot lock ref '{refName}': is at", StringComparison.Ordinal)
            || rejected.Any(l => l.Contains($"cannot lock ref '{refName}': is at", StringComparison.Ordinal));
        if (MovedAtLock(LeaderRef) || rejected.Any(l => l.Contains(":" + LeaderRef + "\t", StringComparison.Ordinal) && l.Contains("stale info", StringComparison.Ordinal)))
        {
            return new(RemoteVerdict.Deposed, $"another hub took over: {LeaderRef} on {name} is not this hub's any more");
        }

        var refLine = rejected.FirstOrDefault(l => !l.Contains("atomic push failed", StringComparison.Ordinal)) ?? rejected.FirstOrDefault();
        if (refLine is not null)
        {
            var summary = refLine.Split('\t').LastOrDefault()?.Trim() ?? refLine;
            return summary.StartsWith("[remote rejected]", StringComparison.Ordinal) && !MovedAtLock($"refs/heads/{branch}")
                ? new(RemoteVerdict.Refused, $"{name} refused the push: {summary}{Said(result.Error)}")
                : new(RemoteVerdict.Stale, summary);
        }

        return new(RemoteVerdict.Unreachable, $"git push to {name} failed (exit {result.ExitCode}){Said(result.Error)}");
    }

    /// <summary>Where <paramref name="refName"/> points on the remote: its sha, or null when the remote has no such ref.</summary>
    public async Task<(RemoteOutcome Outcome, string? Sha)> ReadRefAsync(string refName, CancellationToken cancellationToken)
    {
        var result = await GitProcess.RunAsync(repositoryDirectory, ["ls-remote", "--refs", name, refName], timeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            return (new(RemoteVerdict.Unreachable, result.TimedOut
                ? $"git ls-remote {name} did not finish within {timeout.TotalSeconds:0.#} s"
                : $"git ls-remote {name} failed (exit {result.ExitCode}){Said(result.Error)}"), null);
        }

        var line = result.Out.Split('\n').FirstOrDefault(l => l.EndsWith("\t" + refName, StringComparison.Ordinal));
        return (new(RemoteVerdict.Done, null), line?[..line.IndexOf('\t', StringComparison.Ordinal)]);
    }

    /// <summary>Fetches the remote branch into <see cref="TrackingRef"/> (forced: a force-push there is seen as it is).</summary>
    /// <returns>Success; <see cref="RemoteVerdict.Refused"/> when the remote has no such branch; else unreachable.</returns>
    public async Task<RemoteOutcome> FetchAsync(CancellationToken cancellationToken)
    {
        var result = await GitProcess.RunAsync(
            repositoryDirectory,
            ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", name, $"+refs/heads/{branch}:{TrackingRef}"],
            timeout,
            cancellationToken);
        if (result.ExitCode == 0)
        {
            return new(RemoteVerdict.Done, null);
        }

        if (result.TimedOut)
        {
            return new(RemoteVerdict.Unreachable, $"git fetch from {name} did not finish within {timeout.TotalSeconds:0.#} s");
        }

        return result.Error.Contains("couldn't find remote ref", StringComparison.OrdinalIgnoreCase)
            ? new(RemoteVerdict.Refused, $"{name} has no branch {branch}")
            : new(RemoteVerdict.Unreachable, $"git fetch from {name} failed (exit {result.ExitCode}){Said(result.Error)}");
    }

    // git's own words, one line, for a message and the log: a URL's credentials (https://user:token@host) are masked.
    internal static string Said(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("hint:", StringComparison.Ordinal)).ToList();
        return lines.Count == 0 ? "" : ": " + Credentials().Replace(string.Join(" ", lines).Replace("fatal: ", "", StringComparison.Ordinal), "://***@");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"://[^/\s@]+@")]
    private static partial System.Text.RegularExpressions.Regex Credentials();
}

/// <summary>
/// A hub's mark on the remote's <see cref="GitRemote.LeaderRef"/>: <paramref name="Sha"/>, a commit naming the hub and its
/// leader fence, and <paramref name="Expected"/>, what the ref must still hold for a push to land (the mark itself once
/// it is there; the previous leader's, or empty for none, until the takeover's push landed).
/// </summary>
internal sealed record LeaderMark(string Sha, string Expected);

