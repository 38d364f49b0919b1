using System.Collections;
using System.ComponentModel;
using Spectre.Console.Cli;
using Thermocline.Cli.MergeDriver;
using Thermocline.Cli.Output;
using Thermocline.Domain.TaskLists;
using Thermocline.Domain.TaskLists.Merging;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo merge-driver %O %A %B %P</c>: git's merge driver for the task list (<c>thermo setup --merge-driver</c>
/// registers it). Merges the three versions by PR block (<see cref="TaskListMerge"/>), reading each side's milestones
/// from the repository for a <c>cold_state</c> both sides changed, writes the result over ours, and exits 0 when it is
/// clean, 1 when conflicts are left (git then reports the file as conflicted). What it cannot merge by block it leaves to
/// <c>git merge-file</c>, saying so.
/// </summary>
internal sealed class MergeDriverCommand : AsyncCommand<MergeDriverCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<ANCESTOR>")]
        [Description("The common ancestor's version (git's %O).")]
        public string Ancestor { get; init; } = "";

        [CommandArgument(1, "<OURS>")]
        [Description("Our version (git's %A); the merged result is written here.")]
        public string Ours { get; init; } = "";

        [CommandArgument(2, "<THEIRS>")]
        [Description("Their version (git's %B).")]
        public string Theirs { get; init; } = "";

        [CommandArgument(3, "[PATH]")]
        [Description("The file's path in the repository (git's %P), to find each side's commit. Default: docs/task-list.md.")]
        public string Path { get; init; } = TaskList.DefaultPath;

        [CommandOption("--json")]
        [Description("Also print the outcome as JSON on stdout (git ignores it): conflicts, notes, fallback.")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var path = settings.Path.Replace('\\', '/');
        string? fallback;
        try
        {
            var (ancestor, ours, theirs) = (await ReadAsync(settings.Ancestor, cancellationToken), await ReadAsync(settings.Ours, cancellationToken), await ReadAsync(settings.Theirs, cancellationToken));
            var merge = ancestor.Length > TaskList.MaxBytes || ours.Length > TaskList.MaxBytes || theirs.Length > TaskList.MaxBytes
                ? null
                : TaskListMerge.Prepare(ancestor, ours, theirs);
            fallback = merge is null ? $"a version is over {TaskList.MaxBytes:N0} bytes" : merge.Refusal;
            if (merge is not null && fallback is null)
            {
                var evidence = merge.Disputes.Count == 0
                    ? null
                    : await MilestoneEvidence.GatherAsync(Directory.GetCurrentDirectory(), path, ours, theirs, merge.Disputes, Environment(), cancellationToken);
                var result = merge.Complete(evidence);
                await File.WriteAllBytesAsync(settings.Ours, result.Content, cancellationToken);
                foreach (var note in result.Notes)
                {
                    await streams.Error.WriteLineAsync(TerminalText.Escape($"thermo merge-driver: {path}: {(note.IsConflict ? "conflict: " : "")}{note.Message}"));
                }

                if (settings.Json)
                {
                    Json.Write(streams.Out, new { file = path, conflicts = result.HasConflicts, fallback = (string?)null, notes = result.Notes });
                }

                return result.HasConflicts ? 1 : 0;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            fallback = $"unexpected {ex.GetType().Name}: {ex.Message}";
        }

        await streams.Error.WriteLineAsync(TerminalText.Escape($"thermo merge-driver: {path}: not merged by PR block ({fallback}); left to git merge-file, a whole-file text merge (check the result with 'thermo validate {path}')."));
        var code = await MergeFileFallback.RunAsync(settings.Ancestor, settings.Ours, settings.Theirs, streams.Error, cancellationToken);
        if (settings.Json)
        {
            Json.Write(streams.Out, new { file = path, conflicts = code != 0, fallback, notes = Array.Empty<MergeNote>() });
        }

        return code;
    }

    private static Task<byte[]> ReadAsync(string file, CancellationToken cancellationToken) => File.ReadAllBytesAsync(file, cancellationToken);

    private static Dictionary<string, string> Environment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
        {
            if (e.Key is string key && e.Value is string value)
            {
                variables[key] = value;
            }
        }

        return variables;
    }
}
