using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;

namespace Thermocline.Domain.TaskLists;

/// <summary>A PR to add to a task list (<c>thermo add</c>); it starts <c>new</c>, and the dependency engine takes it on.</summary>
/// <param name="Id">Its id; null for the next free one (<see cref="TaskList.NextFreeId"/>).</param>
/// <param name="Title">One line, at most <see cref="MaxTitleLength"/> characters.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="Dependencies">The PRs it waits on; each must be in the list.</param>
/// <param name="Description">One paragraph under its block, at most <see cref="MaxDescriptionLength"/> characters; optional.</param>
/// <param name="DiscoveredFrom">The PR whose work turned this one up (kept as <c>discovered_from</c>); optional.</param>
public sealed record NewPr(string? Id, string Title, Priority Priority, IReadOnlyList<string> Dependencies, string? Description = null, string? DiscoveredFrom = null)
{
    /// <summary>The longest title.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>The longest description.</summary>
    public const int MaxDescriptionLength = 4_000;
}

public sealed partial class TaskList
{
    /// <summary>
    /// The next id after the highest <c>PR-number</c> in the list, as wide as the widest one (at least three digits):
    /// PR-001 for a list with none.
    /// </summary>
    public string NextFreeId()
    {
        var (max, width) = (0L, 3);
        foreach (var pr in Prs)
        {
            var m = NumberedId().Match(pr.Id);
            if (m.Success && long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < long.MaxValue)
            {
                max = Math.Max(max, n);
                width = Math.Max(width, m.Groups[1].Value.Length);
            }
        }

        return "PR-" + (max + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
    }

    /// <summary>
    /// The list with <paramref name="pr"/>'s block added after the last PR (before a display section that follows it),
    /// in the format's own shape (heading, YAML block, description) with the list's line endings, and every other byte as
    /// it was. Returns the new
    /// list and the id given. Refuses (nothing changes) a bad field (usage), an id already there (usage), or a list that
    /// would not validate: an unknown dependency, a cycle (bad task list).
    /// </summary>
    public (TaskList List, string Id) WithAddedPr(NewPr pr)
    {
        ArgumentNullException.ThrowIfNull(pr);
        var id = pr.Id ?? NextFreeId();
        CheckNew(pr, id);
        var nl = DominantNewLine();
        var block = new StringBuilder()
            .Append("### ").Append(id).Append(": ").Append(pr.Title).Append(nl).Append(nl)
            .Append("---").Append(nl)
            .Append("pr_id: ").Append(id).Append(nl)
            .Append("title: ").Append(YamlScalar(pr.Title)).Append(nl)
            .Append("cold_state: new").Append(nl)
            .Append("priority: ").Append(pr.Priority.ToString().ToLowerInvariant()).Append(nl)
            .Append("dependencies: [").AppendJoin(", ", pr.Dependencies).Append(']').Append(nl);
        if (pr.DiscoveredFrom is { } from)
        {
            block.Append("discovered_from: ").Append(from).Append(nl);
        }

        block.Append("---").Append(nl).Append(nl);
        if (pr.Description is { Length: > 0 } description)
        {
            block.Append(description).Append(nl).Append(nl);
        }

        // After the last PR's text: before a display section that follows it, else at the end of the file.
        var at = Display is { } display && (Prs.Count == 0 || display.Start > OffsetOfLine(Prs[^1].Location.CloseLine)) ? display.Start : Text.Length;
        var before = Text.AsSpan(0, at);
        var separator = before.Length == 0 || before.EndsWith(nl + nl) ? "" : before.EndsWith(nl) ? nl : nl + nl;
        var text = string.Concat(before, separator, block.ToString(), Text.AsSpan(at));
        var list = Parse(text, HasBom);
        if (list.HasErrors)
        {
            throw ThermoclineException.BadTaskList($"{id} was not added; the task list would not validate with it:{Environment.NewLine}{list.DescribeErrors(DefaultPath)}");
        }

        return list.Find(id) is null
            ? throw ThermoclineException.Failure($"{id} was not added: the block written for it was not read back as a PR (a bug; the list is unchanged).")
            : (list, id);
    }

    private void CheckNew(NewPr pr, string id)
    {
        if (!PrId.IsValid(id))
        {
            throw ThermoclineException.InvalidPrId(id);
        }

        if (Find(id) is not null)
        {
            throw ThermoclineException.Usage($"{id} is in the task list already; leave --id out for the next free one ({NextFreeId()}).");
        }

        CheckText("title", pr.Title, NewPr.MaxTitleLength, required: true);
        CheckText("description", pr.Description, NewPr.MaxDescriptionLength, required: false);
        foreach (var dependency in pr.Dependencies.Append(pr.DiscoveredFrom).OfType<string>())
        {
            if (!PrId.IsValid(dependency))
            {
                throw ThermoclineException.InvalidPrId(dependency);
            }
        }

        if (pr.Dependencies.FirstOrDefault(d => Find(d) is null && d != id) is { } unknown)
        {
            throw ThermoclineException.BadTaskList($"{id} was not added: it depends on {unknown}, which is not in the task list.");
        }

        if (pr.Dependencies.Distinct(StringComparer.Ordinal).Count() != pr.Dependencies.Count)
        {
            throw ThermoclineException.Usage($"{id} was not added: a dependency is listed twice.");
        }
    }

    // One line of plain text: no control, line-breaking or direction-override character; nothing that would read as
    // markdown structure or a YAML fence at the start.
    private static void CheckText(string field, string? value, int max, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                throw ThermoclineException.Usage($"the {field} is empty.");
            }

            return;
        }

        if (value.Length > max)
        {
            throw ThermoclineException.Usage($"the {field} is {value.Length} characters; at most {max}.");
        }

        if (PlainText.FirstForbidden(value) is { } bad)
        {
            throw ThermoclineException.Usage($"the {field} holds the character U+{(int)bad:X4} (a control, line break or direction override); it is one line of plain text.");
        }

        if (value != value.Trim() || value.StartsWith('#') || value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("```", StringComparison.Ordinal))
        {
            throw ThermoclineException.Usage($"the {field} may not start or end with spaces, nor start with '#', '---' or '```' (it would change the file's structure).");
        }
    }

    // The offset of 1-based line <paramref name="line"/>.
    private int OffsetOfLine(int line)
    {
        var offset = 0;
        for (var l = 1; l < line && offset >= 0; l++)
        {
            offset = Text.IndexOf('\n', offset) is var nl and >= 0 ? nl + 1 : -1;
        }

        return Math.Max(0, offset);
    }

    // A YAML plain scalar when that reads back as the same text, else a double-quoted one.
    private static string YamlScalar(string value) =>
        PlainScalar().IsMatch(value) && !LooksTyped().IsMatch(value)
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^PR-(\d{1,18})$")]
    private static partial Regex NumberedId();

    [GeneratedRegex(@"^[A-Za-z0-9(][A-Za-z0-9 ,.()/_+=-]*$")]
    private static partial Regex PlainScalar();

    // What YAML would read as something other than text: a number, a boolean, null.
    [GeneratedRegex(@"^([-+]?[0-9][0-9_.e+-]*|true|false|yes|no|on|off|null|~)$", RegexOptions.IgnoreCase)]
    private static partial Regex LooksTyped();
}
