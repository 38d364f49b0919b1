using System.Text;

namespace Thermocline.Board.Tests.Support;

/// <summary>A small task list written PR by PR, in the format the hub reads.</summary>
internal sealed class BoardTaskList
{
    /// <summary>Where the hub reads it.</summary>
    public const string Path = "docs/task-list.md";

    private readonly StringBuilder _text = new("# Task List\n\nA list for the browser tests.\n\n");

    public string Text => _text.ToString();

    /// <summary>Adds a PR; <paramref name="yamlTitle"/> is written as is after <c>title:</c> (quote it yourself), the heading gets <paramref name="title"/>.</summary>
    public BoardTaskList Pr(string id, string title, string state, string priority, IReadOnlyList<string>? dependencies = null, string? body = null, string? yamlTitle = null)
    {
        _text.Append($"### {id}: {title}\n\n---\npr_id: {id}\ntitle: {yamlTitle ?? title}\ncold_state: {state}\npriority: {priority}\n");
        _text.Append($"dependencies: [{string.Join(", ", dependencies ?? [])}]\n---\n\n{body ?? $"Work on {title}."}\n\n");
        return this;
    }
}
