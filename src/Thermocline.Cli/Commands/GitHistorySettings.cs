using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.ColdStore.History;

namespace Thermocline.Cli.Commands;

/// <summary>What the commands that read history from git alone (no hub) share: which repository, branch and list.</summary>
internal class GitHistorySettings : CommandSettings
{
    [CommandOption("--repo <DIR>")]
    [Description("The repository to read. Default: the one holding the current directory.")]
    public string? Repo { get; init; }

    [CommandOption("--branch <BRANCH>")]
    [Description("The branch to read. Default: the one checked out (a detached HEAD needs --branch).")]
    public string? Branch { get; init; }

    [CommandOption("--task-list <PATH>")]
    [Description("The task list's path inside the repository. Default: docs/task-list.md.")]
    public string TaskList { get; init; } = Domain.TaskLists.TaskList.DefaultPath;

    [CommandOption("--json")]
    [Description("Print machine-readable JSON on stdout instead of text.")]
    public bool Json { get; init; }

    /// <summary>Opens the repository read-only on the branch.</summary>
    public GitHistory Open() => GitHistory.Open(Repo, Branch, TaskList);

    /// <summary>A task-list path must be relative and stay inside the repository.</summary>
    public override ValidationResult Validate() =>
        TaskList.Length == 0 || TaskList.StartsWith('/') || TaskList.Contains('\\', StringComparison.Ordinal) || TaskList.Split('/').Any(p => p is "" or "." or "..")
            ? ValidationResult.Error($"'{TaskList}' is not a path inside the repository (like {Domain.TaskLists.TaskList.DefaultPath}).")
            : ValidationResult.Success();
}
