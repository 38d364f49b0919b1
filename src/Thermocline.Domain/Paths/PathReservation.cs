using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Paths;

/// <summary>
/// The paths one lease reserves (<c>thermo claim --reserve</c> / <c>--paths</c>): a small set of <see cref="PathGlob"/>s,
/// kept in Redis as one glob per line beside the lease and ending with it. Another PR whose files overlap it is not offered
/// while it lives, and a commit into it by someone else is flagged.
/// </summary>
public sealed class PathReservation
{
    /// <summary>The most globs one lease may reserve.</summary>
    public const int MaxGlobs = 64;

    private PathReservation(IReadOnlyList<PathGlob> globs) => Globs = globs;

    /// <summary>The reserved globs, in the order given, without repeats.</summary>
    public IReadOnlyList<PathGlob> Globs { get; }

    /// <summary>
    /// The reservation of <paramref name="paths"/>, checked: each a valid <see cref="PathGlob"/>, at most
    /// <see cref="MaxGlobs"/>, at least one.
    /// </summary>
    /// <exception cref="ThermoclineException"><see cref="ErrorKind.Usage"/> naming the first bad path.</exception>
    public static PathReservation Create(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var globs = new List<PathGlob>();
        foreach (var path in paths)
        {
            if (!PathGlob.TryParse(path, out var glob, out var problem))
            {
                throw ThermoclineException.Usage($"the path '{Shown(path)}' cannot be reserved: it {problem}.");
            }

            if (!globs.Contains(glob))
            {
                globs.Add(glob);
            }
        }

        return globs.Count switch
        {
            0 => throw ThermoclineException.Usage("a reservation needs at least one path."),
            > MaxGlobs => throw ThermoclineException.Usage($"a lease reserves at most {MaxGlobs} paths; {globs.Count} were given. Reserve a folder (src/parser/) instead of its files."),
            _ => new PathReservation(globs),
        };
    }

    /// <summary>
    /// The globs of a PR's <c>estimated_files</c> (a person's file: entries that are not valid paths are passed over, and
    /// only the first <see cref="MaxGlobs"/> count), or null when none is usable.
    /// </summary>
    public static PathReservation? OfEstimatedFiles(IEnumerable<EstimatedFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var globs = new List<PathGlob>();
        foreach (var file in files)
        {
            if (PathGlob.TryParse(file.Path, out var glob, out _) && !globs.Contains(glob) && globs.Count < MaxGlobs)
            {
                globs.Add(glob);
            }
        }

        return globs.Count == 0 ? null : new PathReservation(globs);
    }

    /// <summary>This reservation and <paramref name="other"/> together (either may be null).</summary>
    public static PathReservation? Union(PathReservation? one, PathReservation? other)
    {
        if (one is null || other is null)
        {
            return one ?? other;
        }

        var globs = one.Globs.Concat(other.Globs.Where(g => !one.Globs.Contains(g))).ToList();
        return globs.Count > MaxGlobs
            ? throw ThermoclineException.Usage($"a lease reserves at most {MaxGlobs} paths; the PR's files and --paths make {globs.Count}.")
            : new PathReservation(globs);
    }

    /// <summary>Reads the stored form (<see cref="Format"/>); lines that are not valid globs are passed over. Null for none.</summary>
    public static PathReservation? Parse(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }

        var globs = new List<PathGlob>();
        foreach (var line in stored.Split('\n'))
        {
            if (PathGlob.TryParse(line, out var glob, out _) && !globs.Contains(glob) && globs.Count < MaxGlobs)
            {
                globs.Add(glob);
            }
        }

        return globs.Count == 0 ? null : new PathReservation(globs);
    }

    /// <summary>The stored form: one glob per line (no glob holds a line break).</summary>
    public string Format() => string.Join('\n', Globs.Select(g => g.Text));

    /// <summary>The globs as text, for answers.</summary>
    public IReadOnlyList<string> Texts => Globs.Select(g => g.Text).ToList();

    /// <summary>The globs of this reservation that share some path with <paramref name="other"/>'s (empty when none).</summary>
    public IReadOnlyList<string> OverlapWith(PathReservation other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Globs.Where(g => other.Globs.Any(g.Overlaps)).Select(g => g.Text).ToList();
    }

    /// <summary>True when <paramref name="path"/> falls under one of the globs.</summary>
    public bool Covers(string path) => Globs.Any(g => g.Matches(path));

    // Echoed in an error: never a control character to the terminal, never a page of text.
    private static string Shown(string? path) => path is null ? ""
        : new string([.. (path.Length > 80 ? path[..80] + "…" : path).Select(c => char.IsControl(c) ? '?' : c)]);
}
