using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Cli.Pushes;
using Thermocline.ColdStore.Git;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo verify-push [REV-RANGE...]</c> (CI) and <c>thermo verify-push --hook REMOTE URL</c> (git's pre-push hook):
/// refuses commits made under a lease that was no longer the PR's — superseded by a newer fence, or ended before the
/// commit was made (<see cref="PushFencing"/>). The zombie agent whose lease lapsed while another agent took the PR over
/// cannot push its late work. Commits without lease trailers (people's) pass without asking the hub.
/// </summary>
internal sealed class VerifyPushCommand : AsyncCommand<VerifyPushCommand.Settings>
{
    /// <summary>The git config key that lets pushes through while the hub is unreachable (<c>allow</c>).</summary>
    public const string UnreachableKey = "thermocline.verifyPush.unreachable";

    public sealed class Settings : HubSettings
    {
        [CommandArgument(0, "[REVISIONS]")]
        [Description("Revision ranges to check, as git log takes them (e.g. origin/main..HEAD). Default: @{upstream}..HEAD. With --hook: git's REMOTE and URL.")]
        public string[] Revisions { get; init; } = [];

        [CommandOption("--hook")]
        [Description("Run as git's pre-push hook: the arguments are REMOTE and URL, and the refs being pushed come on stdin; only commits the remote lacks are checked.")]
        public bool Hook { get; init; }

        [CommandOption("--repo <DIR>")]
        [Description("A folder in the repository. Default: the current directory.")]
        public string? Repo { get; init; }

        public override ValidationResult Validate() =>
            Hook && Revisions.Length is < 1 or > 2 ? ValidationResult.Error("--hook takes git's two pre-push arguments, REMOTE and URL.")
            : !Hook && Revisions.Any(r => r.StartsWith('-')) ? ValidationResult.Error("revision ranges cannot start with '-'; pass e.g. origin/main..HEAD.")
            : ValidationResult.Success();
    }

    /// <summary>One commit's outcome (in <c>--json</c>).</summary>
    private sealed record Verdict(string Sha, string? Pr, long? Fence, bool Passes, string Reason);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var repository = Path.GetFullPath(settings.Repo ?? ".");
        var found = settings.Hook
            ? await PushedCommits.FromPushAsync(repository, settings.Revisions[0], streams.In, cancellationToken)
            : await PushedCommits.FromRangesAsync(repository, settings.Revisions is [] ? ["@{upstream}..HEAD"] : settings.Revisions, cancellationToken);

        var verdicts = new List<Verdict>();
        var fenced = new List<(PushedCommit Commit, PrLease Lease)>();
        foreach (var commit in found.Commits)
        {
            var lease = LeaseTrailers.Read(commit.PrTrailers, commit.LeaseTrailers, out var problem);
            if (problem is not null)
            {
                verdicts.Add(new(commit.Sha, null, null, false, $"malformed lease trailers: {problem}"));
            }
            else if (lease is not null)
            {
                fenced.Add((commit, lease));
            }
        }

        var unreachable = (string?)null;
        if (fenced.Count > 0)
        {
            using var hub = new HubClient(settings.Hub, settings.Token);
            try
            {
                var standings = new Dictionary<(string, long), LeaseStanding>();
                foreach (var (commit, lease) in fenced)
                {
                    if (!standings.TryGetValue((lease.PrId, lease.Fence), out var standing))
                    {
                        standing = await StandingAsync(hub, lease, cancellationToken);
                        standings[(lease.PrId, lease.Fence)] = standing;
                    }

                    var verdict = PushFencing.Judge(lease, commit.CommittedAt, standing);
                    verdicts.Add(new(commit.Sha, lease.PrId, lease.Fence, verdict.Passes, verdict.Reason));
                }
            }
            catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
            {
                unreachable = ex.Message;
            }
        }

        if (unreachable is not null)
        {
            return await UnreachableAsync(streams, settings, repository, found, fenced.Count, unreachable, cancellationToken);
        }

        var refused = verdicts.Where(v => !v.Passes).ToList();
        if (settings.Json)
        {
            Json.Write(streams.Out, new
            {
                @checked = found.Commits.Count,
                fenced = fenced.Count,
                refused = refused.Count,
                truncated = found.Truncated,
                commits = verdicts,
            });
        }
        else
        {
            // git shows a hook's stderr wherever it runs (a terminal, an IDE, a GUI client); its stdout not always.
            var report = settings.Hook ? streams.Error : streams.Out;
            foreach (var v in refused)
            {
                await report.WriteLineAsync(TerminalText.Escape(
                    $"refused {v.Sha[..10]}" + (v.Pr is null ? "" : $" {v.Pr} fence {v.Fence}") + $": {v.Reason}"));
            }

            await report.WriteLineAsync(
                $"verify-push: {Count(found.Commits.Count, "commit")} checked, {fenced.Count} under a lease, {refused.Count} refused." +
                (found.Truncated ? $" Only the newest {PushedCommits.Limit:N0} were checked: push fewer at a time to check them all." : ""));
        }

        if (refused.Count == 0)
        {
            return ExitCodes.Ok;
        }

        await streams.Error.WriteLineAsync(settings.Hook
            ? "thermo: the push was refused: commits above were made under a lease that was no longer the PR's. Leave the work to the PR's current holder (thermo status PR), or claim the PR again and re-commit under the new lease."
            : "thermo: commits above were made under a lease that was no longer the PR's.");
        return ExitCodes.LeaseConflict;
    }

    private static async Task<LeaseStanding> StandingAsync(HubClient hub, PrLease lease, CancellationToken cancellationToken)
    {
        try
        {
            return ToDomain(await hub.LeaseStandingAsync(lease.PrId, lease.Fence, cancellationToken));
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Usage)
        {
            // An unknown PR, a refused token: this lease cannot be shown current, so its commits do not pass.
            return new(LeaseStandingKind.Unknown, "unanswered", null, null, null, null, null, null, ex.Message) { };
        }
    }

    private static LeaseStanding ToDomain(LeaseStandingView view) => new(
        LeaseStanding.KindOf(view.Standing), view.Standing, view.Agent, view.EndedAt, view.Ending, view.SupersededBy, view.SupersededByAgent, view.Commit, view.Message);

    private static async Task<int> UnreachableAsync(
        CliStreams streams, Settings settings, string repository, PushedCommits.Found found, int fenced, string why, CancellationToken cancellationToken)
    {
        var allow = string.Equals(await GitProcess.ConfigAsync(repository, UnreachableKey, cancellationToken), "allow", StringComparison.OrdinalIgnoreCase);
        if (settings.Json)
        {
            Json.Write(streams.Out, new { @checked = found.Commits.Count, fenced, refused = allow ? 0 : fenced, truncated = found.Truncated, unreachable = why, allowed = allow });
        }

        if (allow)
        {
            await streams.Error.WriteLineAsync(TerminalText.Escape(
                $"thermo: warning: {why} {Count(fenced, "commit")} under a lease went unchecked ({UnreachableKey} is allow)."));
            return ExitCodes.Ok;
        }

        await streams.Error.WriteLineAsync(TerminalText.Escape(
            $"thermo: {why} {Count(fenced, "commit")} under a lease cannot be checked, so {(settings.Hook ? "the push is refused" : "they are refused")}. " +
            $"Start the hub or point at it (--hub URL / THERMO_HUB); to let pushes through while it is down: git config {UnreachableKey} allow"));
        return ExitCodes.Unavailable;
    }

    private static string Count(int n, string what) => $"{n} {what}{(n == 1 ? "" : "s")}";
}
