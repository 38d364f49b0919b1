using System.Diagnostics.CodeAnalysis;

namespace Thermocline.Domain.Identity;

/// <summary>
/// A PR id such as <c>PR-005</c> or <c>PR-003a</c>. Ids reach Redis keys and commit messages, so only
/// <c>PR-</c> followed by 1–60 letters, digits, <c>.</c>, <c>_</c> or <c>-</c> (starting with a letter or digit) is valid.
/// </summary>
public static class PrId
{
    /// <summary>The longest id accepted, in characters.</summary>
    public const int MaxLength = 63;

    /// <summary>What a valid id looks like, for error messages.</summary>
    public const string FormatDescription = "'PR-' followed by letters, digits, '.', '_' or '-' (at most 63 characters), e.g. PR-005";

    /// <summary>True when <paramref name="value"/> is a valid PR id.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && IsValid(value.AsSpan());

    /// <summary>True when <paramref name="value"/> is a valid PR id.</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length < 4 || value.Length > MaxLength || !value.StartsWith("PR-", StringComparison.Ordinal))
        {
            return false;
        }

        if (!char.IsAsciiLetterOrDigit(value[3]))
        {
            return false;
        }

        foreach (var c in value[4..])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
