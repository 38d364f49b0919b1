using LibGit2Sharp;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Setup;

/// <summary>
/// <c>thermo setup --merge-driver [--check | --remove]</c>: the same three actions as for the AGENTS.md section (write or
/// update in place, check, remove), on the merge driver's two places (<see cref="MergeDriverRegistration"/>).
/// </summary>
internal static class MergeDriverSetup
{
    private const string AttributesFile = ".gitattributes";

    /// <summary>Runs it for the repository <paramref name="directory"/> is in; the exit code.</summary>
    public static async Task<int> RunAsync(CliStreams streams, string directory, bool check, bool remove, bool json, CancellationToken cancellationToken)
    {
        var target = AgentsFileTarget.Resolve(directory, AttributesFile);
        var file = target.File;
        var existing = File.Exists(file) ? await File.ReadAllBytesAsync(file, cancellationToken) : null;
        var driver = MergeDriverRegistration.DriverCommand();
        try
        {
            if (check)
            {
                return await CheckAsync(streams, target, existing, driver, json);
            }

            SetupAction config;
            AgentsFileEdit.Result attributes;
            var deleted = false;
            if (remove)
            {
                config = await MergeDriverRegistration.RemoveConfigAsync(target.Repository, cancellationToken);
                attributes = MergeDriverRegistration.RemoveAttributes(existing);
                deleted = attributes.Content is [];
            }
            else
            {
                config = MergeDriverRegistration.WriteConfig(target.Repository, driver);
                attributes = MergeDriverRegistration.WriteAttributes(existing);
            }

            if (deleted)
            {
                File.Delete(file); // nothing but the marked lines was in it: setup made it
            }
            else if (attributes.Content is { } content)
            {
                await AtomicFile.WriteAsync(file, content, cancellationToken);
            }

            if (json)
            {
                Json.Write(streams.Out, new { mergeDriver = new { config, attributes = attributes.Action, driver = remove ? null : driver, file, repository = target.Repository, deleted } });
                return ExitCodes.Ok;
            }

            var where = TerminalText.Escape(file);
            await streams.Out.WriteLineAsync(remove
                ? $"Merge driver: .git/config {Said(config)}; {where} {Said(attributes.Action)}{(deleted ? " (nothing else was in it, so the file was deleted)" : "")}. Git merges docs/task-list.md as text again."
                : $"Merge driver: .git/config [merge \"{MergeDriverRegistration.Name}\"] driver = {TerminalText.Escape(driver)} ({Said(config)}); {where}: {MergeDriverRegistration.AttributeLine} ({Said(attributes.Action)}).");
            if (!remove)
            {
                await streams.Out.WriteLineAsync($"Commit {AttributesFile} so every clone asks for the driver; .git/config is not shared, so run 'thermo setup --merge-driver' once in each clone (one without it merges the file as text).");
            }

            return ExitCodes.Ok;
        }
        catch (LibGit2SharpException ex)
        {
            throw ThermoclineException.Failure($"cannot read or write the repository's config ({ex.Message}); nothing else was changed.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ThermoclineException.Failure($"cannot write {TerminalText.Escape(file)} ({ex.Message}); make it writable and run this again.", ex);
        }
    }

    private static async Task<int> CheckAsync(CliStreams streams, AgentsFileTarget target, byte[]? existing, string driver, bool json)
    {
        var (name, configured) = MergeDriverRegistration.ReadConfig(target.Repository);
        var config = configured is null ? SectionStatus.Missing
            : configured == driver && name == MergeDriverRegistration.Description ? SectionStatus.Current
            : SectionStatus.Outdated;
        var attributes = MergeDriverRegistration.CheckAttributes(existing);
        if (json)
        {
            Json.Write(streams.Out, new { mergeDriver = new { config, attributes, driver = configured, expected = driver, file = target.File, repository = target.Repository } });
        }

        if (config == SectionStatus.Current && attributes == SectionStatus.Current)
        {
            if (!json)
            {
                await streams.Out.WriteLineAsync($"The merge driver is registered: .git/config runs '{TerminalText.Escape(driver)}' for {MergeDriverRegistration.AttributeLine} in {TerminalText.Escape(target.File)}.");
            }

            return ExitCodes.Ok;
        }

        var problems = new List<string>();
        if (config == SectionStatus.Missing)
        {
            problems.Add($".git/config has no [merge \"{MergeDriverRegistration.Name}\"] driver");
        }
        else if (config == SectionStatus.Outdated)
        {
            problems.Add($".git/config runs '{TerminalText.Escape(configured!)}', not this thermo ('{TerminalText.Escape(driver)}')");
        }

        if (attributes != SectionStatus.Current)
        {
            problems.Add($"{TerminalText.Escape(target.File)} does not ask for it ({MergeDriverRegistration.AttributeLine})");
        }

        await streams.Error.WriteLineAsync($"thermo: {string.Join("; ", problems)}; run 'thermo setup --merge-driver' to register it.");
        return ExitCodes.Failure;
    }

    private static string Said(SetupAction action) => action switch
    {
        SetupAction.Written => "written",
        SetupAction.Updated => "updated",
        SetupAction.Unchanged => "unchanged",
        SetupAction.Removed => "removed",
        _ => "had none",
    };
}
