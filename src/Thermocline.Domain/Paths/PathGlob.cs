using System.Diagnostics.CodeAnalysis;

namespace Thermocline.Domain.Paths;

/// <summary>
/// A repository-relative path pattern, as a path lease reserves it: segments separated by <c>/</c>, where <c>*</c> is any
/// run of characters within a segment, <c>?</c> one character, and a segment <c>**</c> any number of segments. Every other
/// character is literal (<c>pages/[id].tsx</c> is a file name). A pattern also covers everything below what it names —
/// <c>src/Hub</c> covers <c>src/Hub/Api.cs</c> — since a reserved folder, or a file about to become one, is the caller's
/// too. Parsed by <see cref="TryParse"/>, which refuses what could escape the repository or forge a line.
/// </summary>
public sealed class PathGlob : IEquatable<PathGlob>
{
    /// <summary>The longest pattern accepted, in characters.</summary>
    public const int MaxLength = 256;

    private const string AnyDepth = "**";

    // The pattern's segments, ending with "**": what it names and everything below.
    private readonly string[] _segments;

    // How many leading segments hold no wildcard: two patterns that differ there share no path, found without the table.
    private readonly int _literal;

    private PathGlob(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
        _literal = Array.FindIndex(segments, s => s.AsSpan().IndexOfAny('*', '?') >= 0);
    }

    /// <summary>The pattern as given, without a trailing <c>/</c>.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong in a sentence's tail.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PathGlob? glob, [NotNullWhen(false)] out string? problem)
    {
        glob = null;
        problem = Problem(text);
        if (problem is not null)
        {
            return false;
        }

        var trimmed = text!.TrimEnd('/');
        var segments = new List<string>();
        foreach (var segment in trimmed.Split('/'))
        {
            if (segment != AnyDepth || segments is not [.., AnyDepth])
            {
                segments.Add(segment);
            }
        }

        if (segments is not [.., AnyDepth])
        {
            segments.Add(AnyDepth);
        }

        glob = new PathGlob(trimmed, [.. segments]);
        return true;
    }

    /// <summary>True when <paramref name="path"/> (repository-relative, <c>/</c>-separated) is this pattern's or below it.</summary>
    public bool Matches(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Trim('/').Split('/');
        return SegmentsMeet(_segments, parts);
    }

    /// <summary>True when some path falls under both patterns (two leases reserving them would share it).</summary>
    public bool Overlaps(PathGlob other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < Math.Min(_literal, other._literal); i++)
        {
            if (!string.Equals(_segments[i], other._segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return SegmentsMeet(_segments, other._segments, bothPatterns: true);
    }

    /// <inheritdoc/>
    public bool Equals(PathGlob? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PathGlob other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static string? Problem(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is empty";
        }

        if (text.Length > MaxLength)
        {
            return $"is longer than {MaxLength} characters";
        }

        if (Identity.PlainText.FirstForbidden(text) is not null || text.Contains('\\', StringComparison.Ordinal))
        {
            return "holds a control, line-breaking, direction or backslash character (paths are relative and separated by /)";
        }

        if (text[0] == '/' || (text.Length > 1 && text[1] == ':'))
        {
            return "is absolute (paths are relative to the repository's top level)";
        }

        var segments = text.TrimEnd('/').Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0)
            {
                return "has an empty segment (//)";
            }

            if (segment is "." or "..")
            {
                return "has a '.' or '..' segment (paths are relative to the repository's top level and stay in it)";
            }
        }

        return null;
    }

    // Segments: "**" in the pattern (in both, for two patterns) takes any number of the other's segments; two segments agree
    // when some name matches both. Within a segment: '*' takes any run of the other's characters (a '?' or '*' among them),
    // '?' agrees with any one, literals with themselves.
    private static bool SegmentsMeet(string[] pattern, string[] other, bool bothPatterns = false) =>
        Meet(pattern, other, static s => s == AnyDepth, bothPatterns ? static s => s == AnyDepth : static _ => false,
            bothPatterns ? static (x, y) => CharsMeet(x, y, true) : static (x, y) => CharsMeet(x, y, false));

    private static bool CharsMeet(string pattern, string other, bool bothPatterns) =>
        Meet(pattern.ToCharArray(), other.ToCharArray(), static c => c == '*', bothPatterns ? static c => c == '*' : static _ => false,
            bothPatterns ? static (x, y) => x == y || x == '?' || y == '?' : static (x, y) => x == y || x == '?');

    // Whether two sequences meet, where an element `anyA`/`anyB` says takes any run of the other's: a small table over
    // (i, j) keeps it polynomial whatever the patterns.
    private static bool Meet<T>(T[] a, T[] b, Func<T, bool> anyA, Func<T, bool> anyB, Func<T, T, bool> agree)
    {
        var known = new bool?[a.Length + 1, b.Length + 1];
        return At(0, 0);

        bool At(int i, int j)
        {
            if (known[i, j] is { } answer)
            {
                return answer;
            }

            bool result;
            if (i == a.Length && j == b.Length)
            {
                result = true;
            }
            else if (i < a.Length && anyA(a[i]))
            {
                result = At(i + 1, j) || (j < b.Length && At(i, j + 1));
            }
            else if (j < b.Length && anyB(b[j]))
            {
                result = At(i, j + 1) || (i < a.Length && At(i + 1, j));
            }
            else
            {
                result = i < a.Length && j < b.Length && agree(a[i], b[j]) && At(i + 1, j + 1);
            }

            known[i, j] = result;
            return result;
        }
    }
}
