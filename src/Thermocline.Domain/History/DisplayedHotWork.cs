using System.Globalization;
using Thermocline.Domain.Identity;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.History;

/// <summary>
/// Reads back the rows of a hot-state display section (<see cref="HotStateDisplay.Render"/>) for history: what a commit
/// showed people, never state. A row that is not one the hub writes (a person's edit) is skipped.
/// </summary>
public static class DisplayedHotWork
{
    /// <summary>The rows of a display body (null or none: no rows), in the order written.</summary>
    public static IReadOnlyList<HotWorkItem> Parse(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return [];
        }

        var rows = new List<HotWorkItem>();
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (!line.StartsWith("| ", StringComparison.Ordinal) || !line.EndsWith(" |", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line[2..^2].Split(" | ");
            if (cells.Length == 4 && PrId.IsValid(cells[0]) && StateNames.TryParseHot(cells[1], out var state) && cells[2].Length > 0
                && DateTimeOffset.TryParseExact(cells[3], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
            {
                rows.Add(new HotWorkItem(cells[0], state, cells[2], since));
            }
        }

        return rows;
    }
}
