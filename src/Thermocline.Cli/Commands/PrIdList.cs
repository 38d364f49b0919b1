using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;

namespace Thermocline.Cli.Commands;

/// <summary>A comma-separated list of PR ids in an option (<c>--only</c>, <c>--depends</c>, <c>--add-depends</c>), read one way everywhere.</summary>
internal static class PrIdList
{
    /// <summary>
    /// The ids in <paramref name="text"/>, each trimmed, empty entries skipped: null when the option was not given, empty for
    /// <c>""</c> (none). An invalid id is a usage error naming <paramref name="option"/>.
    /// </summary>
    public static string[]? Parse(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        var ids = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return ids.FirstOrDefault(id => !PrId.IsValid(id)) is { } bad
            ? throw ThermoclineException.Usage($"{option}: '{bad}' is not a valid PR id; expected {PrId.FormatDescription}.")
            : ids;
    }
}
