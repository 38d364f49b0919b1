using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.Cli.Hooks;
using Thermocline.Cli.Output;
using Thermocline.Cli.Setup;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo setup [--repo DIR] [--agents-file FILE] [--check | --remove | --print-mcp]</c>: keeps the section that
/// tells a coding agent how to work in the repository with Thermocline in AGENTS.md, between markers, touching nothing
/// else in the file; prints the MCP client configuration. <c>--merge-driver</c> and <c>--hooks</c> set up git's merge
/// driver of the task list and the fenced-push hooks instead.
/// </summary>
internal sealed class SetupCommand : AsyncCommand<SetupCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--repo <DIR>")]
        [Description("A folder in the git working tree to set up; the agents file is found from its top level. Default: the current directory.")]
        public string? Repo { get; init; }

        [CommandOption("--agents-file <FILE>")]
        [Description("The file to keep the section in, relative to the repository's top level. Default: AGENTS.md.")]
        public string? AgentsFile { get; init; }

        [CommandOption("--check")]
        [Description("Write nothing: exit 0 when the section is there and current, 1 (saying what to run) when it is missing or outdated.")]
        public bool Check { get; init; }

        [CommandOption("--remove")]
        [Description("Take the section out, with the blank line setup put before it; the rest of the file stays byte for byte. Nothing to do when there is none.")]
        public bool Remove { get; init; }

        [CommandOption("--print-mcp")]
        [Description("Only print the MCP client configuration (stdio: thermo mcp; HTTP: the hub's /mcp); write nothing.")]
        public bool PrintMcp { get; init; }

        [CommandOption("--merge-driver")]
        [Description("Instead of the AGENTS.md section: register 'thermo merge-driver' as git's merge driver for docs/task-list.md ([[merge \"thermocline\"]] in .git/config, a marked line in .gitattributes; nothing else in either changes). With --check: exit 1 unless both are there and current; with --remove: take both out.")]
        public bool MergeDriver { get; init; }

        [CommandOption("--hooks")]
        [Description("Instead of the AGENTS.md section: write git hooks (POSIX sh, mode 755, marked as thermo's) in the folder git runs hooks from (core.hooksPath, else the common git dir's hooks, shared by linked worktrees): pre-commit runs 'thermo check-paths --hook', prepare-commit-msg runs 'thermo hook prepare-commit-msg' (adds the trailers Thermocline-PR and Thermocline-Lease when THERMO_LEASE is set), pre-push runs 'thermo verify-push --hook'. The hooks start this thermo by absolute path (or 'dotnet /path/thermo.dll'; see --thermo). A hook already there that is not thermo's is kept as NAME.thermocline-chained and run first; if it fails, the hook fails with its exit code. With --check: exit 1 unless all three are there and current; with --remove: take them out and put back what was there, byte for byte.")]
        public bool Hooks { get; init; }

        [CommandOption("--thermo <PROGRAM>")]
        [Description("With --hooks: the thermo the hooks run (a path, or a name looked up on PATH when the hook runs). Default: this thermo's absolute path.")]
        public string? Thermo { get; init; }

        [CommandOption("--hub <URL>")]
        [Description("The hub's URL, for the MCP configuration. Default: THERMO_HUB, else http://127.0.0.1:7420.")]
        public string? Hub { get; init; }

        [CommandOption("--json")]
        [Description("Print the outcome as JSON on stdout: action (written, updated, unchanged, removed, absent) or, with --check, check (current, missing, outdated); the file; the MCP configuration.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Check && Remove ? ValidationResult.Error("--check and --remove cannot go together: --check writes nothing, --remove writes.")
            : PrintMcp && (Check || Remove) ? ValidationResult.Error("--print-mcp only prints the MCP configuration; leave out --check and --remove.")
            : MergeDriver && (PrintMcp || AgentsFile is not null) ? ValidationResult.Error("--merge-driver sets up the merge driver only; leave out --print-mcp and --agents-file (run 'thermo setup' again without --merge-driver for those).")
            : Hooks && (MergeDriver || PrintMcp || AgentsFile is not null) ? ValidationResult.Error("--hooks sets up the git hooks only; leave out --merge-driver, --print-mcp and --agents-file (run 'thermo setup' again for those).")
            : Thermo is not null && !Hooks ? ValidationResult.Error("--thermo names the thermo the git hooks run; it goes with --hooks.")
            : Thermo is not null && (Thermo.Length == 0 || Thermo.Any(char.IsControl)) ? ValidationResult.Error("--thermo needs a program: a path or a name, on one line.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var mcp = McpConfiguration.For(settings.Hub);
        if (settings.PrintMcp)
        {
            if (settings.Json)
            {
                Json.Write(streams.Out, new { mcp });
            }
            else
            {
                await PrintMcpAsync(streams.Out, mcp);
            }

            return ExitCodes.Ok;
        }

        if (settings.Hooks)
        {
            return await HooksSetup.RunAsync(streams, settings.Repo ?? ".", settings.Thermo, settings.Check, settings.Remove, settings.Json, cancellationToken);
        }

        if (settings.MergeDriver)
        {
            return await MergeDriverSetup.RunAsync(streams, settings.Repo ?? ".", settings.Check, settings.Remove, settings.Json, cancellationToken);
        }

        var target = AgentsFileTarget.Resolve(settings.Repo ?? ".", settings.AgentsFile ?? AgentsFileTarget.DefaultFile);
        var existing = await ReadAsync(target.File, cancellationToken);
        if (settings.Check)
        {
            return await CheckAsync(streams, settings, target, existing, mcp);
        }

        var edit = settings.Remove ? AgentsFileEdit.Remove(existing, target.File) : AgentsFileEdit.Write(existing, target.File);
        // Nothing but the section was in it, so the file goes, as it was before the first 'thermo setup' — unless it is
        // a symbolic link (AGENTS.md -> CLAUDE.md, say): the link and its target are the person's, and are left empty.
        var deleted = edit.Action == SetupAction.Removed && edit.Content is [] && new FileInfo(target.File).LinkTarget is null;
        if (deleted)
        {
            Guard(target.File, () => File.Delete(target.File));
        }
        else if (edit.Content is { } content)
        {
            await WriteAsync(target.File, content, cancellationToken);
        }

        if (settings.Json)
        {
            Json.Write(streams.Out, new
            {
                action = edit.Action,
                file = target.File,
                repository = target.Repository,
                created = existing is null && edit.Action == SetupAction.Written,
                deleted,
                mcp,
            });
            return ExitCodes.Ok;
        }

        await streams.Out.WriteLineAsync(Describe(edit.Action, target.File, existing, deleted));
        if (!settings.Remove)
        {
            await streams.Out.WriteLineAsync();
            await PrintMcpAsync(streams.Out, mcp);
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> CheckAsync(CliStreams streams, Settings settings, AgentsFileTarget target, byte[]? existing, McpConfiguration mcp)
    {
        var status = AgentsFileEdit.Check(existing, target.File);
        if (settings.Json)
        {
            Json.Write(streams.Out, new { check = status, file = target.File, repository = target.Repository, mcp });
        }

        var fix = SuggestedCommand(settings);
        switch (status)
        {
            case SectionStatus.Current:
                if (!settings.Json)
                {
                    await streams.Out.WriteLineAsync($"{Show(target.File)} has the current Thermocline section.");
                }

                return ExitCodes.Ok;
            case SectionStatus.Missing:
                await streams.Error.WriteLineAsync(existing is null
                    ? $"thermo: {Show(target.File)} does not exist, so it has no Thermocline section; run '{fix}' to write it."
                    : $"thermo: {Show(target.File)} has no Thermocline section; run '{fix}' to add it.");
                return ExitCodes.Failure;
            default:
                await streams.Error.WriteLineAsync($"thermo: the Thermocline section in {Show(target.File)} is outdated; run '{fix}' to update it in place.");
                return ExitCodes.Failure;
        }
    }

    private static string Describe(SetupAction action, string file, byte[]? existing, bool deleted) => action switch
    {
        SetupAction.Written when existing is null => $"Created {Show(file)} with the Thermocline section.",
        SetupAction.Written => $"Added the Thermocline section at the end of {Show(file)}; nothing else in it changed.",
        SetupAction.Updated => $"Updated the Thermocline section in {Show(file)} in place; nothing outside its markers changed.",
        SetupAction.Unchanged => $"{Show(file)} already has the current Thermocline section; nothing changed.",
        SetupAction.Removed when deleted => $"Removed the Thermocline section from {Show(file)}; nothing else was in it, so the file was deleted.",
        SetupAction.Removed => $"Removed the Thermocline section from {Show(file)}; the rest of it is as it was.",
        _ => existing is null
            ? $"{Show(file)} does not exist; nothing to remove."
            : $"{Show(file)} has no Thermocline section; nothing to remove.",
    };

    private static async Task PrintMcpAsync(TextWriter output, McpConfiguration mcp)
    {
        await output.WriteLineAsync("MCP client configuration (stdio: thermo mcp, which forwards to the hub; HTTP: the hub's /mcp):");
        await output.WriteLineAsync($"stdio: {mcp.Stdio.ToJsonString()}");
        await output.WriteLineAsync($"HTTP:  {mcp.Http.ToJsonString()}");
    }

    private static async Task<byte[]?> ReadAsync(string file, CancellationToken cancellationToken)
    {
        if (Directory.Exists(file))
        {
            throw ThermoclineException.Failure($"{Show(file)} is a directory, not a file; pass the file to keep the section in with --agents-file FILE. Nothing was written.");
        }

        try
        {
            return await File.ReadAllBytesAsync(file, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw ThermoclineException.Failure($"cannot read {Show(file)} ({ex.Message}); make it readable, or pass another --agents-file. Nothing was written.", ex);
        }
    }

    private static async Task WriteAsync(string file, byte[] content, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(file)!;
        if (!Directory.Exists(folder))
        {
            throw ThermoclineException.Failure($"cannot write {Show(file)}: the folder {Show(folder)} does not exist; create it, or pass another --agents-file. Nothing was written.");
        }

        // The rename would replace a file its owner made read-only; opening it for writing (nothing written) asks first.
        if (File.Exists(file))
        {
            Guard(file, () => new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite).Dispose());
        }

        try
        {
            await AtomicFile.WriteAsync(file, content, cancellationToken);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw Unwritable(file, ex);
        }
    }

    private static void Guard(string file, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw Unwritable(file, ex);
        }
    }

    private static ThermoclineException Unwritable(string file, Exception ex) => ThermoclineException.Failure(
        $"cannot write {Show(file)} ({ex.Message}); make the file and its folder writable, or pass another --agents-file. Nothing was changed.", ex);

    // What to run to fix what --check found: this command again, with the same repository and file.
    private static string SuggestedCommand(Settings settings)
    {
        var command = "thermo setup";
        if (settings.Repo is { } repo)
        {
            command += $" --repo {Quote(repo)}";
        }

        if (settings.AgentsFile is { } file)
        {
            command += $" --agents-file {Quote(file)}";
        }

        return command;
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:@,=".Contains(c, StringComparison.Ordinal))
            ? argument
            : $"'{argument.Replace("'", @"'\''", StringComparison.Ordinal)}'";

    private static string Show(string path) => TerminalText.Escape(path);
}
