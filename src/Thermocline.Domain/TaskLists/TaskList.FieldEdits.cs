using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;
using Thermocline.Domain.TaskLists.Parsing;

namespace Thermocline.Domain.TaskLists;

/// <summary>
/// Changes to one PR's fields (<c>thermo edit</c>); a field left null stays as it is. Never its cold state: that moves by
/// transitions only.
/// </summary>
/// <param name="Id">The PR to edit.</param>
public sealed record PrEdit(string Id)
{
    /// <summary>A new title (heading and <c>title:</c>): one line, at most <see cref="NewPr.MaxTitleLength"/> characters.</summary>
    public string? Title { get; init; }

    /// <summary>A new priority.</summary>
    public Priority? Priority { get; init; }

    /// <summary>The PRs it waits on, replacing its list (empty: none). Each must be in the list.</summary>
    public IReadOnlyList<string>? Dependencies { get; init; }

    /// <summary>PRs added to its dependencies (to <see cref="Dependencies"/> when both are given); one it has already is kept once.</summary>
    public IReadOnlyList<string>? AddDependencies { get; init; }

    /// <summary>The paragraph under its block: one line, at most <see cref="NewPr.MaxDescriptionLength"/> characters; empty removes it.</summary>
    public string? Description { get; init; }

    /// <summary>The PR whose work turned this one up (<c>discovered_from</c>).</summary>
    public string? DiscoveredFrom { get; init; }

    /// <summary>True when the edit names no field.</summary>
    public bool IsEmpty => Title is null && Priority is null && Dependencies is null && AddDependencies is null && Description is null && DiscoveredFrom is null;
}

/// <summary>The fields of a PR that <see cref="TaskList.WithEditedPr"/> may change, as the file has them.</summary>
/// <param name="Title">Its title.</param>
/// <param name="Priority">Its priority, when present and known.</param>
/// <param name="Dependencies">Its dependencies.</param>
/// <param name="DiscoveredFrom">Its <c>discovered_from</c>, when present.</param>
/// <param name="Description">Its description (see <see cref="TaskList.WithEditedPr"/>), when it has one.</param>
public sealed record PrFields(string Title, Priority? Priority, IReadOnlyList<string> Dependencies, string? DiscoveredFrom, string? Description);

public sealed partial class TaskList
{
    /// <summary>The fields of <paramref name="prId"/> an edit may change, or null when the list has no such PR.</summary>
    public PrFields? FieldsOf(string prId)
    {
        if (Find(prId) is not { } pr)
        {
            return null;
        }

        var block = PrBlockText.Read(Text, pr);
        return new PrFields(pr.Title, pr.Priority, pr.Dependencies, block.Scalar("discovered_from"), block.Description);
    }

    /// <summary>The free markdown under <paramref name="prId"/>'s block (its description and notes, as written), or null when the list has no such PR.</summary>
    public string? BodyOf(string prId) => Find(prId) is { } pr ? PrBlockText.Body(Text, pr.Location) : null;

    /// <summary>
    /// The list with the fields <paramref name="edit"/> names set on its PR, and the names of those that changed (none, and
    /// this very list, when every value is already so). Only those fields' lines change: the heading's title and the
    /// <c>title:</c> value, the <c>priority:</c> value, the <c>dependencies</c> list (flow or block, as it was written), the
    /// <c>discovered_from:</c> value, and the description — the paragraph under a <c>**Description:**</c> label in the text
    /// under the block, else its first paragraph of prose, else a new paragraph directly under the block as
    /// <see cref="WithAddedPr"/> writes it. A field the block lacks gets one line after the field the format puts before it.
    /// Every other byte is kept. Refuses, changing nothing: an edit naming no field or a bad field (usage), a PR not in the
    /// list (not found), a list with errors, an unknown dependency, a PR depending on itself or a cycle (bad task list).
    /// </summary>
    public (TaskList List, IReadOnlyList<string> Changed) WithEditedPr(PrEdit edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        if (!PrId.IsValid(edit.Id))
        {
            throw ThermoclineException.InvalidPrId(edit.Id);
        }

        if (edit.IsEmpty)
        {
            throw ThermoclineException.Usage($"nothing to change in {edit.Id}: give at least one of title, priority, dependencies, add dependencies, description, discovered_from.");
        }

        EnsureValid();
        var pr = Find(edit.Id) ?? throw ThermoclineException.UnknownPr(edit.Id);
        var block = PrBlockText.Read(Text, pr);
        if (block.IsFlowMapping)
        {
            throw ThermoclineException.BadTaskList($"{pr.Id} (line {pr.Location.OpenLine}) is written as a flow mapping, whose fields have no lines of their own to edit; edit it by hand.");
        }

        CheckEdit(edit);
        var before = new PrFields(pr.Title, pr.Priority, pr.Dependencies, block.Scalar("discovered_from"), block.Description);
        var dependencies = (edit.Dependencies ?? pr.Dependencies).Concat(edit.AddDependencies ?? []).Distinct(StringComparer.Ordinal).ToList();
        CheckDependencies(pr.Id, dependencies);

        var edits = new List<TextEdit>();
        var changed = new List<string>();
        if (edit.Title is { } title && title != before.Title)
        {
            changed.Add("title");
            edits.Add(block.HeadingTitle(title));
            if (block.Scalar("title") is not null || pr.FieldNames.Contains("title"))
            {
                edits.Add(block.SetScalar("title", title, YamlScalar));
            }
        }

        if (edit.Priority is { } priority && priority != before.Priority)
        {
            changed.Add("priority");
            edits.Add(block.SetScalar("priority", priority.ToString().ToLowerInvariant(), p => p));
        }

        if (!dependencies.SequenceEqual(before.Dependencies, StringComparer.Ordinal))
        {
            changed.Add("dependencies");
            edits.Add(block.SetDependencies(dependencies));
        }

        if (edit.DiscoveredFrom is { } from && from != before.DiscoveredFrom)
        {
            changed.Add("discovered_from");
            edits.Add(block.SetScalar("discovered_from", from, f => f));
        }

        if (edit.Description is { } description && description != (before.Description ?? "") && block.SetDescription(description) is { } text)
        {
            changed.Add("description");
            edits.Add(text);
        }

        if (changed.Count == 0)
        {
            return (this, []);
        }

        var list = Parse(Apply(edits), HasBom);
        if (list.HasErrors)
        {
            throw ThermoclineException.BadTaskList($"{pr.Id} was not edited; the task list would not validate with the edit:{Environment.NewLine}{list.DescribeErrors(DefaultPath)}");
        }

        var after = list.FieldsOf(pr.Id);
        var expected = new PrFields(
            edit.Title ?? before.Title, edit.Priority ?? before.Priority, dependencies, edit.DiscoveredFrom ?? before.DiscoveredFrom,
            edit.Description is { } d ? (d.Length == 0 ? null : d) : before.Description);
        return list.Prs.Count != Prs.Count || after is null || !Same(after, expected)
            ? throw ThermoclineException.Failure($"{pr.Id} was not edited: the edited block did not read back as written (a bug; the list is unchanged).")
            : (list, changed);
    }

    private static void CheckEdit(PrEdit edit)
    {
        if (edit.Title is not null)
        {
            CheckText("title", edit.Title, NewPr.MaxTitleLength, required: true);
        }

        if (edit.Description is { Length: > 0 } description)
        {
            CheckText("description", description, NewPr.MaxDescriptionLength, required: true);
            if (PrBlockText.IsStructural(description))
            {
                throw ThermoclineException.Usage("the description may not start like markdown structure (a list, quote, table, HTML, code or a label such as '**Notes:**'); it is one line of prose.");
            }
        }

        foreach (var (field, ids) in new[] { ("dependencies", edit.Dependencies), ("dependencies to add", edit.AddDependencies) })
        {
            if (ids?.FirstOrDefault(d => !PrId.IsValid(d)) is { } bad)
            {
                throw ThermoclineException.InvalidPrId(bad);
            }

            if (ids is not null && ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
            {
                throw ThermoclineException.Usage($"{edit.Id} was not edited: a PR is listed twice in the {field}.");
            }
        }

        if (edit.DiscoveredFrom is { } from && !PrId.IsValid(from))
        {
            throw ThermoclineException.InvalidPrId(from);
        }

        if (edit.DiscoveredFrom == edit.Id)
        {
            throw ThermoclineException.Usage($"{edit.Id} cannot be discovered from itself.");
        }
    }

    private void CheckDependencies(string id, IReadOnlyList<string> dependencies)
    {
        if (dependencies.Contains(id, StringComparer.Ordinal))
        {
            throw ThermoclineException.BadTaskList($"{id} was not edited: it cannot depend on itself.");
        }

        if (dependencies.FirstOrDefault(d => Find(d) is null) is { } unknown)
        {
            throw ThermoclineException.BadTaskList($"{id} was not edited: it would depend on {unknown}, which is not in the task list.");
        }
    }

    // The text with the edits made; they never overlap (each is on lines of its own field).
    private string Apply(List<TextEdit> edits)
    {
        edits.Sort((a, b) => a.Start.CompareTo(b.Start));
        var text = new System.Text.StringBuilder(Text.Length + edits.Sum(e => e.Text.Length));
        var copied = 0;
        foreach (var e in edits)
        {
            text.Append(Text, copied, e.Start - copied).Append(e.Text);
            copied = e.End;
        }

        return text.Append(Text, copied, Text.Length - copied).ToString();
    }

    private static bool Same(PrFields a, PrFields b) =>
        a.Title == b.Title && a.Priority == b.Priority && a.Dependencies.SequenceEqual(b.Dependencies, StringComparer.Ordinal)
        && a.DiscoveredFrom == b.DiscoveredFrom && a.Description == b.Description;
}
