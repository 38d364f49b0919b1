namespace Thermocline.Domain.TaskLists.Merging;

/// <summary>The lines git (and <see cref="TaskListMerge"/>) put around the two versions of a conflict.</summary>
public static class ConflictMarkers
{
    /// <summary>Opens a conflict; our version follows.</summary>
    public const string Ours = "<<<<<<< ours";

    /// <summary>Separates our version from theirs.</summary>
    public const string Separator = "=======";

    /// <summary>Closes a conflict, after their version.</summary>
    public const string Theirs = ">>>>>>> theirs";

    /// <summary>True for a line that opens a conflict as git writes it: seven <c>&lt;</c>, then the end or a space.</summary>
    public static bool IsStart(ReadOnlySpan<char> line) => IsMarker(line, '<');

    /// <summary>True for a line that closes a conflict as git writes it: seven <c>&gt;</c>, then the end or a space.</summary>
    public static bool IsEnd(ReadOnlySpan<char> line) => IsMarker(line, '>');

    /// <summary>True for the separator line (also a markdown heading underline, so only a marker between the two others).</summary>
    public static bool IsSeparator(ReadOnlySpan<char> line) => line.TrimEnd(" \t").SequenceEqual(Separator);

    private static bool IsMarker(ReadOnlySpan<char> line, char c) =>
        line.Length >= 7 && !line[..7].ContainsAnyExcept(c) && (line.Length == 7 || line[7] == ' ');
}
