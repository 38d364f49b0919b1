using System.Globalization;
using Thermocline.ColdStore.Git;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;

namespace Thermocline.Cli.Pushes;

/// <summary>
/// Which commits <c>thermo verify-push</c> checks, from git: those a push sends that the remote lacks (the pre-push
/// hook's input), or those of revision ranges (CI). At most <see cref="Limit"/> of them, newest first.
/// </summary>
internal static class PushedCommits
{
    /// <summary>The most commits one run checks; a push of more is checked for its newest ones, and says so.</summary>
    public const int Limit = 10_000;

    private const string Zero = "0000000000000000000000000000000000000000";

    // One record per commit (-z ends each with NUL), fields split by US; the trailers as git's own parser finds them.
    private static readonly string Format =
        $"--format=%H%x1f%ct%x1f%(trailers:key={LeaseTrailers.PrKey},valueonly,unfold,separator=%x1e)%x1f%(trailers:key={LeaseTrailers.LeaseKey},valueonly,unfold,separator=%x1e)";

    /// <summary>The commits found, and whether there were more than <see cref="Limit"/>.</summary>
    public sealed record Found(IReadOnlyList<PushedCommit> Commits, bool Truncated);

    /// <summary>
    /// The commits a push sends that <paramref name="remote"/> does not have, from git's pre-push lines
    /// <c>&lt;local ref&gt; &lt;local sha&gt; &lt;remote ref&gt; &lt;remote sha&gt;</c>: deletions send none; an update sends
    /// those not reachable from the remote's old tip, a new branch (or an old tip unknown here) those on no branch of the remote.
    /// </summary>
    public static async Task<Found> FromPushAsync(string repository, string remote, TextReader lines, CancellationToken cancellationToken)
    {
        var ranges = new List<List<string>>();
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            if (parts.Length != 4 || !IsSha(parts[1]) || !IsSha(parts[3]))
            {
                throw ThermoclineException.Usage($"'{line}' is not a line git gives a pre-push hook (<local ref> <local sha> <remote ref> <remote sha>).");
            }

            var (local, old) = (parts[1], parts[3]);
            if (IsZero(local))
            {
                continue; // a deletion sends no commits
            }

            ranges.Add(!IsZero(old) && await IsCommitAsync(repository, old, cancellationToken)
                ? [local, "^" + old]
                : [local, "--not", $"--remotes={remote}"]);
        }

        return await ReadAsync(repository, ranges, cancellationToken);
    }

    /// <summary>The commits of revision ranges as <c>git log</c> takes them (<c>origin/main..HEAD</c>).</summary>
    public static Task<Found> FromRangesAsync(string repository, IReadOnlyList<string> revisions, CancellationToken cancellationToken) =>
        ReadAsync(repository, [["--end-of-options", .. revisions]], cancellationToken);

    private static async Task<Found> ReadAsync(string repository, List<List<string>> ranges, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var commits = new List<PushedCommit>();
        var truncated = false;
        foreach (var range in ranges)
        {
            var max = (Limit + 1 - commits.Count).ToString(CultureInfo.InvariantCulture);
            var result = await GitProcess.RunAsync(repository, ["log", "-z", "--no-show-signature", "--no-color", Format, $"--max-count={max}", .. range], cancellationToken);
            if (result.ExitCode != 0)
            {
                throw ThermoclineException.Usage(
                    $"git log {string.Join(' ', range.Where(a => a != "--end-of-options"))} failed: {result.Error.Trim()}. Pass revision ranges git knows, e.g. origin/main..HEAD.");
            }

            foreach (var record in result.Out.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = record.TrimStart('\n').Split('\x1f');
                if (fields.Length != 4 || !seen.Add(fields[0]))
                {
                    continue;
                }

                if (commits.Count == Limit)
                {
                    truncated = true;
                    break;
                }

                var time = DateTimeOffset.FromUnixTimeSeconds(long.Parse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
                commits.Add(new(fields[0], time, Values(fields[2]), Values(fields[3])));
            }

            if (truncated)
            {
                break;
            }
        }

        return new(commits, truncated);
    }

    private static string[] Values(string field) => field.Length == 0 ? [] : field.Split('\x1e');

    private static async Task<bool> IsCommitAsync(string repository, string sha, CancellationToken cancellationToken) =>
        (await GitProcess.RunAsync(repository, ["cat-file", "-e", sha + "^{commit}"], cancellationToken)).ExitCode == 0;

    private static bool IsSha(string text) => text.Length is 40 or 64 && text.All(char.IsAsciiHexDigitLower);

    private static bool IsZero(string sha) => sha.AsSpan().TrimStart('0').IsEmpty && sha.Length >= Zero.Length;
}
