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
        return SegmentsMeet(_segments, parts, SegmentMatches);
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

        return SegmentsMeet(_segments, other._segments, SegmentsIntersect, bothPatterns: true);
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

    // Whether the segment lists meet: "**" in the first (and, when both are patterns, in the second) absorbs any number of
    // the other's segments. A small table over (i, j) keeps it polynomial whatever the patterns.
    private static bool SegmentsMeet(string[] a, string[] b, Func<string, string, bool> segmentsMeet, bool bothPatterns = false)
    {
        var known = new bool?[a.Length + 1, b.Length + 1];
        return Meet(0, 0);

        bool Meet(int i, int j)
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
            else if (i < a.Length && a[i] == AnyDepth)
            {
                result = Meet(i + 1, j) || (j < b.Length && Meet(i, j + 1));
            }
            else if (bothPatterns && j < b.Length && b[j] == AnyDepth)
            {
                result = Meet(i, j + 1) || (i < a.Length && Meet(i + 1, j));
            }
            else
            {
                result = i < a.Length && j < b.Length && segmentsMeet(a[i], b[j]) && Meet(i + 1, j + 1);
            }

            known[i, j] = result;
            return result;
        }
    }

    // Glob segment against a name: '*' any run, '?' one character.
    private static bool SegmentMatches(string pattern, string name)
    {
        int i = 0, j = 0, star = -1, resume = 0;
        while (j < name.Length)
        {
            if (i < pattern.Length && (pattern[i] == '?' || pattern[i] == name[j]))
            {
                i++;
                j++;
            }
            else if (i < pattern.Length && pattern[i] == '*')
            {
                star = i++;
                resume = j;
            }
            else if (star >= 0)
            {
                i = star + 1;
                j = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (i < pattern.Length && pattern[i] == '*')
        {
            i++;
        }

        return i == pattern.Length;
    }

    // Whether some name matches both segment globs: a '*' on either side may take any of the other's characters (a '?' or
    // a '*' among them), two literals must agree, a '?' agrees with any one character.
    private static bool SegmentsIntersect(string a, string b)
    {
        var known = new bool?[a.Length + 1, b.Length + 1];
        return Meet(0, 0);

        bool Meet(int i, int j)
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
            else if (i < a.Length && a[i] == '*')
            {
                result = Meet(i + 1, j) || (j < b.Length && Meet(i, j + 1));
            }
            else if (j < b.Length && b[j] == '*')
            {
                result = Meet(i, j + 1) || (i < a.Length && Meet(i + 1, j));
            }
            else
            {
                result = i < a.Length && j < b.Length && (a[i] == b[j] || a[i] == '?' || b[j] == '?') && Meet(i + 1, j + 1);
            }

            known[i, j] = result;
            return result;
        }
    }
}
