using Thermocline.Cli.Output;
using Thermocline.Cli.Setup;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Hooks;

/// <summary>
/// <c>thermo setup --hooks [--check | --remove]</c>: writes (or updates in place), checks or removes the three hook
/// scripts of <see cref="HookScript"/>, as <c>--merge-driver</c> does the merge driver. Idempotent; a hook that is not
/// ours is chained, never overwritten, and <c>--remove</c> puts it back byte for byte. Everything is planned before
/// anything is written, so a refusal changes nothing.
/// </summary>
internal static class HooksSetup
{
    /// <summary>What was done to one hook (in <c>--json</c>).</summary>
    /// <param name="Hook">The hook's name.</param>
    /// <param name="Action">What setup did to our script.</param>
    /// <param name="Chained">True when a hook that was there before is kept and run first (<c>--remove</c>: was put back).</param>
    /// <param name="Check">With <c>--check</c>: whether it is current.</param>
    public sealed record Outcome(string Hook, SetupAction? Action, bool Chained, SectionStatus? Check);

    /// <summary>
    /// Runs it for the repository <paramref name="directory"/> is in; the exit code. <paramref name="program"/>: the thermo
    /// the hooks start (<c>--thermo</c>); null: this one (<see cref="ThermoProgram.Self"/>).
    /// </summary>
    public static async Task<int> RunAsync(CliStreams streams, string directory, string? program, bool check, bool remove, bool json, CancellationToken cancellationToken)
    {
        var folder = await HooksFolder.ResolveAsync(directory, cancellationToken);
        var words = program is null ? ThermoProgram.Self() : [program];
        var hooks = new List<HookFile>();
        foreach (var name in HookScript.Names)
        {
            hooks.Add(await HookFile.ReadAsync(folder, name, cancellationToken));
        }

        if (check)
        {
            return await CheckAsync(streams, folder, words, hooks, json);
        }

        if (!remove && hooks.FirstOrDefault(h => h.Exists && !h.IsOurs && h.HasChained) is { } blocked)
        {
            throw ThermoclineException.Failure(
                $"{Show(blocked.Path)} is not thermo's, and {Show(blocked.ChainedPath)} already holds a hook thermo chained before; " +
                $"merge the two by hand (or move one away) and run this again. Nothing was written.");
        }

        var outcomes = new List<Outcome>();
        try
        {
            foreach (var hook in hooks)
            {
                outcomes.Add(remove ? Remove(hook) : await WriteAsync(hook, words, cancellationToken));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ThermoclineException.Failure(
                $"cannot write in {Show(folder)} ({ex.Message}); make it writable and run this again. Hooks done so far: " +
                $"{(outcomes.Count == 0 ? "none" : string.Join(", ", outcomes.Select(o => o.Hook)))}.", ex);
        }

        if (json)
        {
            Json.Write(streams.Out, new { hooks = new { folder, program = remove ? null : words, outcomes } });
            return ExitCodes.Ok;
        }

        foreach (var o in outcomes)
        {
            await streams.Out.WriteLineAsync($"{o.Hook}: {Said(o.Action!.Value)}" + (o.Chained
                ? remove ? " (the hook that was there before is back)" : " (the hook that was there before runs first, kept as " + HookScript.ChainedName(o.Hook) + ")"
                : ""));
        }

        await streams.Out.WriteLineAsync(remove
            ? $"Hooks in {Show(folder)}: thermo's are gone; commits carry no lease trailers and pushes are not checked."
            : $"Hooks in {Show(folder)} run {Show(string.Join(' ', words))}: pre-commit checks reserved paths, prepare-commit-msg adds the " +
              "lease trailers when THERMO_LEASE is set, pre-push refuses commits of a superseded or ended lease.");
        return ExitCodes.Ok;
    }

    private static async Task<Outcome> WriteAsync(HookFile hook, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        var chaining = hook.Exists && !hook.IsOurs;
        var script = HookScript.Render(hook.Name, words, chained: chaining || hook.HasChained);
        if (hook.IsOurs && hook.Executable && hook.Content!.AsSpan().SequenceEqual(script))
        {
            return new(hook.Name, SetupAction.Unchanged, hook.HasChained, null);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(hook.Path)!);
        if (chaining)
        {
            // A rename keeps the person's hook as it was: bytes, mode, and a link stays a link.
            File.Move(hook.Path, hook.ChainedPath);
        }

        try
        {
            await AtomicFile.WriteAsync(hook.Path, script, cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(hook.Path, (UnixFileMode)0b111_101_101); // 755
            }
        }
        catch when (chaining)
        {
            if (File.Exists(hook.Path))
            {
                File.Delete(hook.Path);
            }

            File.Move(hook.ChainedPath, hook.Path);
            throw;
        }

        return new(hook.Name, hook.IsOurs ? SetupAction.Updated : SetupAction.Written, chaining || hook.HasChained, null);
    }

    private static Outcome Remove(HookFile hook)
    {
        if (hook.Exists && !hook.IsOurs)
        {
            return new(hook.Name, SetupAction.Absent, false, null); // someone else's: not ours to take
        }

        if (hook.Exists)
        {
            File.Delete(hook.Path);
        }

        if (hook.HasChained)
        {
            File.Move(hook.ChainedPath, hook.Path);
        }

        return new(hook.Name, hook.Exists ? SetupAction.Removed : SetupAction.Absent, hook.HasChained, null);
    }

    private static async Task<int> CheckAsync(CliStreams streams, string folder, IReadOnlyList<string> words, List<HookFile> hooks, bool json)
    {
        var outcomes = hooks.Select(h => new Outcome(h.Name, null, h.HasChained || (h.Exists && !h.IsOurs), Status(h, words))).ToList();
        if (json)
        {
            Json.Write(streams.Out, new { hooks = new { folder, program = words, outcomes } });
        }

        var problems = outcomes.Where(o => o.Check != SectionStatus.Current).ToList();
        if (problems.Count == 0)
        {
            if (!json)
            {
                await streams.Out.WriteLineAsync($"The Thermocline hooks in {Show(folder)} are current (they run {Show(string.Join(' ', words))}).");
            }

            return ExitCodes.Ok;
        }

        await streams.Error.WriteLineAsync(
            $"thermo: in {Show(folder)}: {string.Join("; ", problems.Select(p => $"{p.Hook} is {(p.Check == SectionStatus.Missing ? "missing" : "outdated")}"))}; run 'thermo setup --hooks' to write them.");
        return ExitCodes.Failure;
    }

    private static SectionStatus Status(HookFile hook, IReadOnlyList<string> words) =>
        !hook.IsOurs ? SectionStatus.Missing
        : hook.Executable && hook.Content!.AsSpan().SequenceEqual(HookScript.Render(hook.Name, words, hook.HasChained)) ? SectionStatus.Current
        : SectionStatus.Outdated;

    private static string Said(SetupAction action) => action switch
    {
        SetupAction.Written => "written",
        SetupAction.Updated => "updated",
        SetupAction.Unchanged => "unchanged",
        SetupAction.Removed => "removed",
        _ => "not thermo's, left alone",
    };

    private static string Show(string text) => TerminalText.Escape(text);
}
