using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Cli.Paths;
using Thermocline.ColdStore.Git;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo check-paths [PATH…] [--hook] [--refuse]</c>: flags paths about to be committed (the staged ones by default)
/// that another PR's live lease reserved (<c>thermo claim --reserve</c>). As git's pre-commit hook it warns, or refuses
/// when <c>thermocline.reservedPaths</c> is <c>refuse</c>; a hub that does not answer never stops a commit.
/// </summary>
internal sealed class CheckPathsCommand : AsyncCommand<CheckPathsCommand.Settings>
{
    /// <summary>The git config key that makes the pre-commit hook refuse instead of warn (<c>refuse</c>; default <c>warn</c>).</summary>
    public const string ModeKey = "thermocline.reservedPaths";

    public sealed class Settings : HubSettings
    {
        [CommandArgument(0, "[PATHS]")]
        [Description("Repository-relative paths to check. Default: the paths staged for the next commit (git diff --cached, both sides of a rename).")]
        public string[] Paths { get; init; } = [];

        [CommandOption("--hook")]
        [Description("Run as git's pre-commit hook: check the staged paths, report on stderr, and let the commit through when the hub does not answer (with a warning).")]
        public bool Hook { get; init; }

        [CommandOption("--refuse")]
        [Description($"Exit 4 when a path is reserved by another lease, instead of warning. Default: what git config {ModeKey} says (warn or refuse), else warn.")]
        public bool Refuse { get; init; }

        [CommandOption("--repo <DIR>")]
        [Description("A folder in the repository. Default: the current directory.")]
        public string? Repo { get; init; }

        public override ValidationResult Validate() =>
            Hook && Paths.Length > 0 ? ValidationResult.Error("--hook checks the staged paths; leave out the PATHS.")
            : Paths.Any(p => p.StartsWith('-')) ? ValidationResult.Error("paths cannot start with '-'.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var report = settings.Hook ? streams.Error : streams.Out;
        var repository = Path.GetFullPath(settings.Repo ?? ".");
        var paths = settings.Paths.Length > 0 ? settings.Paths.Select(p => p.Replace('\\', '/')).ToList() : await StagedAsync(repository, cancellationToken);
        var own = OwnPr();
        if (paths.Count == 0)
        {
            return Done(settings, streams, [], own);
        }

        List<Hub.Api.ReservationView> reservations;
        using (var hub = new HubClient(settings.Hub, settings.Token))
        {
            try
            {
                reservations = await hub.ReservationsAsync(cancellationToken);
            }
            catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable && settings.Hook)
            {
                // People commit whether the hub runs or not: without it there is nothing to check against.
                await streams.Error.WriteLineAsync($"thermo check-paths: reserved paths not checked: {TerminalText.Escape(ex.Message)}");
                return 0;
            }
        }

        var clashes = ReservedPathCheck.Find(paths, reservations, own);

        // Asked only when something clashes: the hook runs on every commit, and nearly always nothing does.
        var refuse = clashes.Count > 0
            && (settings.Refuse || string.Equals(await GitProcess.ConfigAsync(repository, ModeKey, cancellationToken), "refuse", StringComparison.OrdinalIgnoreCase));
        if (settings.Json)
        {
            Done(settings, streams, clashes, own);
        }
        else
        {
            foreach (var clash in clashes)
            {
                var h = clash.Holder;
                await report.WriteLineAsync(
                    $"{(refuse ? "refused" : "warning")}: {TerminalText.Escape(clash.Path)} is reserved by {h.PrId} ({TerminalText.Escape(h.Agent)}, fence {h.Fence}: {string.Join(", ", h.Paths.Select(TerminalText.Escape))})");
            }

            if (paths.Count > ReservedPathCheck.MaxPaths)
            {
                await report.WriteLineAsync($"only the first {ReservedPathCheck.MaxPaths} of {paths.Count} paths were checked");
            }

            if (clashes.Count > 0)
            {
                await report.WriteLineAsync(refuse
                    ? $"{clashes.Count} path(s) reserved by other leases: commit refused ({ModeKey}=refuse). Wait for those leases to end, ask their holders, or commit with --no-verify to override."
                    : $"{clashes.Count} path(s) reserved by other leases: this commit may clash with their work (set git config {ModeKey} refuse to refuse such commits).");
            }
            else if (!settings.Hook)
            {
                await report.WriteLineAsync($"{paths.Count} path(s) checked: none is reserved by another lease.");
            }
        }

        return clashes.Count > 0 && refuse ? ExitCodes.LeaseConflict : 0;
    }

    private static int Done(Settings settings, CliStreams streams, IReadOnlyList<ReservedPathCheck.Clash> clashes, string? own)
    {
        if (settings.Json)
        {
            Json.Write(streams.Out, new CheckPathsView(own, clashes.Select(c => new ClashView(c.Path, c.Holder)).ToList()));
        }

        return 0;
    }

    // The committer's own PR, whose reservation is theirs to commit into: from THERMO_LEASE (and THERMO_PR), as the commit hook reads it.
    private static string? OwnPr()
    {
        var pr = Environment.GetEnvironmentVariable("THERMO_PR");
        return PrLease.TryParse(Environment.GetEnvironmentVariable("THERMO_LEASE"), pr, out var lease, out _) ? lease.PrId
            : Domain.Identity.PrId.IsValid(pr) ? pr
            : null;
    }

    private static async Task<List<string>> StagedAsync(string repository, CancellationToken cancellationToken)
    {
        // git itself: a hook of 'git commit -a' or 'git commit PATH' sees a temporary index (GIT_INDEX_FILE), which this inherits.
        var output = await GitProcess.RunAsync(repository, ["diff", "--cached", "--name-only", "-z", "--no-renames"], cancellationToken);
        return output.ExitCode == 0
            ? output.Out.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList()
            : throw ThermoclineException.Usage($"could not list the staged paths in {repository}: {output.Error.Trim()} (run it inside a git repository, or name the paths).");
    }

    private sealed record CheckPathsView(string? OwnPr, IReadOnlyList<ClashView> Reserved);

    private sealed record ClashView(string Path, Hub.Api.ReservationView ReservedBy);
}
