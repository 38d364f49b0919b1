using System.Globalization;
using System.Text;
using Thermocline.Domain.States;

namespace Thermocline.Domain.TaskLists;

/// <summary>One row of the display: a PR that is hot right now.</summary>
/// <param name="PrId">The PR.</param>
/// <param name="State">Its hot state.</param>
/// <param name="Agent">Who holds it.</param>
/// <param name="Since">When it was claimed (stable across heartbeats, so the display only changes when work does).</param>
public sealed record HotWorkItem(string PrId, HotState State, string Agent, DateTimeOffset Since);

/// <summary>
/// The "Active work" section written into the task list for people to see hot work in git. It lies
/// between <see cref="StartMarker"/> and <see cref="EndMarker"/>, outside every PR block, and is never
/// read back as state.
/// </summary>
public static class HotStateDisplay
{
    /// <summary>The line that opens the section.</summary>
    public const string StartMarker = "<!-- HOT STATE DISPLAY -->";

    /// <summary>The line that closes the section.</summary>
    public const string EndMarker = "<!-- END HOT STATE DISPLAY -->";

    private const string UpdatedPrefix = "_Updated ";

    /// <summary>Renders the section's body (markers excluded), rows ordered by PR id.</summary>
    public static string Render(IEnumerable<HotWorkItem> items, DateTimeOffset now)
    {
        var rows = items.OrderBy(i => i.PrId, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.Append("## Active work\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{UpdatedPrefix}{Timestamp(now)} by the Thermocline hub; shown for people, never read back as state._\n\n");
        if (rows.Count == 0)
        {
            sb.Append("No PR is being worked on right now.\n");
            return sb.ToString();
        }

        sb.Append("| PR | State | Agent | Since |\n|---|---|---|---|\n");
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {r.PrId} | {StateNames.Of(r.State)} | {r.Agent} | {Timestamp(r.Since)} |\n");
        }

        return sb.ToString();
    }

    /// <summary>True when two bodies differ at most in their "Updated" timestamp line.</summary>
    public static bool SameContent(string? a, string? b) =>
        a is not null && b is not null && WithoutTimestamp(a) == WithoutTimestamp(b);

    private static string WithoutTimestamp(string body) => string.Join(
        '\n',
        body.ReplaceLineEndings("\n").Split('\n').Where(l => !l.StartsWith(UpdatedPrefix, StringComparison.Ordinal)));

    private static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
