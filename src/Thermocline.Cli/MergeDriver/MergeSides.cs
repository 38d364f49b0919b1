using System.Security.Cryptography;
using System.Text;
using LibGit2Sharp;

namespace Thermocline.Cli.MergeDriver;

/// <summary>
/// The commits whose task lists git hands the merge driver as ours (<c>%A</c>) and theirs (<c>%B</c>). Git does not say:
/// ours is HEAD (in a rebase too, where HEAD is the new base being built and theirs the commit being replayed); theirs is
/// named by <c>GITHEAD_&lt;sha&gt;</c> in the environment (<c>git merge</c>, <c>git pull</c>: merge-ort and
/// merge-recursive export it), by the last line of <c>rebase-merge/done</c> (<c>git rebase</c>, <c>git pull --rebase</c>),
/// by <c>rebase-apply/original-commit</c>, or by <c>CHERRY_PICK_HEAD</c>/<c>REVERT_HEAD</c>/<c>MERGE_HEAD</c> when they
/// exist. (When git runs the driver, a merge has not written <c>MERGE_HEAD</c> yet and a single cherry-pick has written
/// nothing.) Every candidate must hold at the path exactly the blob git handed over, else it is not taken; when none
/// does, the newest commit reachable from any ref that holds it is looked for, within <see cref="SearchLimit"/> commits.
/// A side not found stays null, with the reason: the driver then decides nothing from history.
/// </summary>
internal sealed class MergeSides
{
    /// <summary>How many commits the search by blob looks at before it gives up.</summary>
    public const int SearchLimit = 5_000;

    private MergeSides(Commit? ours, string? oursProblem, Commit? theirs, string? theirsProblem)
    {
        (Ours, OursProblem, Theirs, TheirsProblem) = (ours, oursProblem, theirs, theirsProblem);
    }

    /// <summary>Our commit, or null.</summary>
    public Commit? Ours { get; }

    /// <summary>Why our commit was not found.</summary>
    public string? OursProblem { get; }

    /// <summary>Their commit, or null.</summary>
    public Commit? Theirs { get; }

    /// <summary>Why their commit was not found.</summary>
    public string? TheirsProblem { get; }

    /// <summary>Finds both sides in <paramref name="repo"/> for the file at <paramref name="path"/> (relative to the top level).</summary>
    public static MergeSides Find(Repository repo, string path, byte[] ours, byte[] theirs, IReadOnlyDictionary<string, string> environment)
    {
        var oursId = BlobId(ours);
        var theirsId = BlobId(theirs);
        var oursCommit = Holding(repo, path, oursId, repo.Head.Tip is { } head ? [head] : []) ?? Search(repo, path, oursId);
        var theirsCommit = Holding(repo, path, theirsId, TheirCandidates(repo, environment)) ?? Search(repo, path, theirsId);
        return new MergeSides(
            oursCommit, oursCommit is null ? $"no commit holding our version of {path} was found (HEAD holds another)" : null,
            theirsCommit, theirsCommit is null ? $"no commit holding their version of {path} was found (git names none, and none of the last {SearchLimit:N0} commits on any ref holds it)" : null);
    }

    /// <summary>The id git gives <paramref name="content"/> as a blob (SHA-1 over its header and bytes), computed without writing it.</summary>
    public static ObjectId BlobId(byte[] content)
    {
        var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
#pragma warning disable CA5350 // git's object ids are SHA-1: an identity, not a security measure.
        return new ObjectId(SHA1.HashData([.. header, .. content]));
#pragma warning restore CA5350
    }

    private static IEnumerable<Commit> TheirCandidates(Repository repo, IReadOnlyDictionary<string, string> environment)
    {
        var gitDir = repo.Info.Path;
        var names = environment.Keys.Where(k => k.StartsWith("GITHEAD_", StringComparison.Ordinal)).Select(k => k["GITHEAD_".Length..]).ToList();
        if (LastDone(Path.Combine(gitDir, "rebase-merge", "done")) is { } replayed)
        {
            names.Add(replayed);
        }

        foreach (var file in new[] { Path.Combine("rebase-apply", "original-commit"), "CHERRY_PICK_HEAD", "REVERT_HEAD", "MERGE_HEAD" })
        {
            names.AddRange(ReadLines(Path.Combine(gitDir, file)));
        }

        foreach (var name in names.Select(n => n.Trim()).Where(n => n.Length >= 4).Distinct(StringComparer.Ordinal))
        {
            if (TryLookup(repo, name) is { } commit)
            {
                yield return commit;
            }
        }
    }

    // "pick <sha> subject" (or another command that replays a commit): the one being replayed is the last done.
    private static string? LastDone(string file)
    {
        var last = ReadLines(file).LastOrDefault(l => l.Length > 0 && l[0] != '#');
        var words = last?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words is [var command, var sha, ..] && command is "pick" or "p" or "reword" or "r" or "edit" or "e" or "squash" or "s" or "fixup" or "f" ? sha : null;
    }

    private static Commit? Holding(Repository repo, string path, ObjectId blob, IEnumerable<Commit> candidates) =>
        candidates.FirstOrDefault(c => c[path]?.Target.Id == blob);

    private static Commit? Search(Repository repo, string path, ObjectId blob)
    {
        var tips = repo.Refs.Select(r => r.ResolveToDirectReference()?.Target).Append(repo.Head.Tip).OfType<Commit>().Cast<object>().ToList();
        if (tips.Count == 0)
        {
            return null;
        }

        return repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = tips, SortBy = CommitSortStrategies.Time })
            .Take(SearchLimit)
            .FirstOrDefault(c => c[path]?.Target.Id == blob);
    }

    private static Commit? TryLookup(Repository repo, string name)
    {
        try
        {
            return repo.Lookup<Commit>(name);
        }
        catch (Exception ex) when (ex is LibGit2SharpException or ArgumentException)
        {
            return null;
        }
    }

    private static string[] ReadLines(string file)
    {
        try
        {
            return File.Exists(file) ? File.ReadAllLines(file) : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
