using System.Diagnostics.CodeAnalysis;

namespace Thermocline.Domain.Identity;

/// <summary>
/// An agent name such as <c>agent-1</c> or <c>qc-agent@build-7</c>. Agent names reach Redis values and
/// commit messages, so only 1–64 letters, digits, <c>.</c>, <c>_</c>, <c>-</c> or <c>@</c> (starting with a
/// letter or digit) are valid: no spaces, no line breaks, nothing that could forge a trailer.
/// </summary>
public static class AgentId
{
    /// <summary>The longest name accepted, in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>What a valid name looks like, for error messages.</summary>
    public const string FormatDescription = "1-64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit, e.g. agent-1";

    /// <summary>True when <paramref name="value"/> is a valid agent name.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or '@'))
            {
                return false;
            }
        }

        return true;
    }
}
