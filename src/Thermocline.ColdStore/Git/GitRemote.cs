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

    /// <summary>Pushes <paramref name="sha"/> to the remote branch if the remote is still at <paramref name="expected"/> (null: the branch must not exist there).</summary>
    public async Task<RemoteOutcome> PushAsync(string sha, string? expected, CancellationToken cancellationToken)
    {
        var result = await GitProcess.RunAsync(
            repositoryDirectory,
            ["push", "--porcelain", "--no-verify", $"--force-with-lease=refs/heads/{branch}:{expected}", name, $"{sha}:refs/heads/{branch}"],
            timeout,
            cancellationToken);
        if (result.ExitCode == 0)
        {
            return new(RemoteVerdict.Done, null);
        }

        if (result.TimedOut)
        {
            return new(RemoteVerdict.Unreachable, $"git push to {name} did not finish within {timeout.TotalSeconds:0.#} s (it may still have reached {name}; the next fetch tells)");
        }

        // --porcelain: one "FLAG\tFROM:TO\tSUMMARY (REASON)" line per ref; '!' is a rejection.
        var refLine = result.Out.Split('\n').FirstOrDefault(l => l.StartsWith("!\t", StringComparison.Ordinal));
        if (refLine is not null)
        {
            var summary = refLine.Split('\t').LastOrDefault()?.Trim() ?? refLine;
            return summary.StartsWith("[remote rejected]", StringComparison.Ordinal)
                ? new(RemoteVerdict.Refused, $"{name} refused the push: {summary}{Said(result.Error)}")
                : new(RemoteVerdict.Stale, summary);
        }

        return new(RemoteVerdict.Unreachable, $"git push to {name} failed (exit {result.ExitCode}){Said(result.Error)}");
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
