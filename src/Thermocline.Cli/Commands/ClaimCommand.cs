using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo claim (PR | --next [--wait D] [--only PRS] [--priority P]) --agent A [--state S] [--reserve] [--paths G…]
/// [--keep-alive [--every D] -- COMMAND…]</c>: take a PR (or the best claimable one, atomically) into a hot state and print
/// the lease, reserving paths under it if asked; with <c>--keep-alive</c>, run COMMAND and heartbeat for it until it exits.
/// </summary>
internal sealed class ClaimCommand : AsyncCommand<ClaimCommand.Settings>
{
    public sealed class Settings : AgentNameSettings
    {
        [CommandArgument(0, "[PR]")]
        [Description("The PR id, e.g. PR-005. Leave it out with --next.")]
        public string? Pr { get; init; }

        [CommandOption("--next")]
        [Description("Claim the best PR claimable now (priority, then task-list order), chosen and claimed in one step: concurrent callers get different PRs. Exit 75 when none is.")]
        public bool Next { get; init; }

        [CommandOption("--wait <DURATION>")]
        [Description("With --next: when nothing is claimable, wait up to this long (e.g. 30s, 10m; at most 1h) for something to become so, woken by the hub's events. Implies --next.")]
        public string? Wait { get; init; }

        [CommandOption("--only <PRS>")]
        [Description("With --next: only these PRs, comma-separated, e.g. PR-003,PR-007.")]
        public string? Only { get; init; }

        [CommandOption("--priority <PRIORITY>")]
        [Description("With --next: only PRs of this priority or higher (critical, high, medium, low).")]
        public string? Priority { get; init; }

        [CommandOption("--ttl <DURATION>")]
        [Description("How long the lease lives after each heartbeat, e.g. 20m for long work between beats (1s up to the hub's maximum, 1h by default). Default: the hub's heartbeat TTL (5m).")]
        public string? Ttl { get; init; }

        [CommandOption("--state <STATE>")]
        [Description("The hot state to claim into: investigating, planning, in-progress or under-review. Default: in-progress from ready/planned, under-review from completed, investigating from broken.")]
        public string? State { get; init; }

        [CommandOption("--reserve")]
        [Description("Reserve the PR's estimated_files under the lease: while it lives, no other agent is offered a PR whose files overlap them, and commits into them by others are flagged (thermo check-paths). Refused (exit 4) when another live lease reserved an overlapping path. With --next: the chosen PR's files.")]
        public bool Reserve { get; init; }

        [CommandOption("--paths <GLOB>")]
        [Description("Reserve this glob under the lease (repeat for several): src/parser/**, docs/*.md; a folder covers what is below it. With --reserve, both. Not with --next.")]
        public string[]? Paths { get; init; }

        [CommandOption("--keep-alive")]
        [Description("Run the command given after '--' with THERMO_PR, THERMO_AGENT, THERMO_LEASE and THERMO_HUB set, heartbeating the lease until it exits; exit with its exit code.")]
        public bool KeepAlive { get; init; }

        [CommandOption("--every <DURATION>")]
        [Description("Heartbeat period with --keep-alive, e.g. 30s or 2m. Default: 60s.")]
        public string Every { get; init; } = "60s";

        /// <summary>True for a claim of the next PR (--next, or --wait alone).</summary>
        public bool ClaimsNext => Next || Wait is not null;

        public override ValidationResult Validate()
        {
            if (ClaimsNext)
            {
                return Pr is not null ? ValidationResult.Error($"claim either {Pr} or --next, not both.")
                    : Paths is { Length: > 0 } ? ValidationResult.Error("--paths names what one PR reserves; with --next, use --reserve (the chosen PR's estimated_files).")
                    : ValidationResult.Success();
            }

            if (Only is not null || Priority is not null)
            {
                return ValidationResult.Error("--only and --priority choose among PRs for --next; add --next, or name the PR.");
            }

            return Pr is null ? ValidationResult.Error("say which PR to claim (e.g. thermo claim PR-005), or claim the best one with --next.")
                : Domain.Identity.PrId.IsValid(Pr) ? ValidationResult.Success()
                : ValidationResult.Error($"'{Pr}' is not a valid PR id; expected {Domain.Identity.PrId.FormatDescription}.");
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var command = context.Remaining.Raw;
        if (settings.KeepAlive && command.Count == 0)
        {
            throw ThermoclineException.Usage("--keep-alive runs a command: put it after '--', e.g. thermo claim PR-005 --agent a1 --keep-alive -- ./work.sh");
        }

        if (!Durations.TryParse(settings.Every, out var every))
        {
            throw ThermoclineException.Usage($"--every '{settings.Every}' is not a duration; use e.g. 30s, 2m or 500ms.");
        }

        var agent = settings.ResolveAgent();
        using var hub = new HubClient(settings.Hub, settings.Token);
        double? ttl = null;
        if (settings.Ttl is { } text)
        {
            ttl = Durations.TryParse(text, out var lives) && lives > TimeSpan.Zero ? lives.TotalSeconds
                : throw ThermoclineException.Usage($"--ttl '{text}' is not a duration; use e.g. 90s, 20m or 1h.");
        }

        var result = settings.ClaimsNext
            ? await ClaimNextAsync(hub, settings, agent, ttl, cancellationToken)
            : await hub.ClaimAsync(settings.Pr!, new ClaimRequest(agent, settings.State, ttl, settings.Reserve, settings.Paths), cancellationToken);
        await HubAnswers.TransitionAsync(streams, result, settings.Json);
        if (!settings.KeepAlive)
        {
            return 0;
        }

        return await RunKeptAliveAsync(hub, result, agent, command, every, streams, cancellationToken);
    }

    private static Task<TransitionView> ClaimNextAsync(HubClient hub, Settings settings, string agent, double? ttl, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.Zero;
        if (settings.Wait is { } text && (!Durations.TryParse(text, out wait) || wait > TimeSpan.FromHours(1)))
        {
            throw ThermoclineException.Usage($"--wait '{text}' is not a duration of at most 1h; use e.g. 30s, 10m or 1h.");
        }

        var only = PrIdList.Parse(settings.Only, "--only");
        return hub.ClaimNextAsync(new ClaimNextRequest(agent, settings.State, only, settings.Priority, wait.TotalSeconds, ttl, settings.Reserve), wait, cancellationToken);
    }

    private static async Task<int> RunKeptAliveAsync(
        HubClient hub, TransitionView claim, string agent, IReadOnlyList<string> command, TimeSpan every, CliStreams streams, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["THERMO_PR"] = claim.PrId;
        start.Environment["THERMO_AGENT"] = agent;
        start.Environment["THERMO_LEASE"] = claim.Lease;
        start.Environment["THERMO_HUB"] = hub.Route.ToString();
        using var child = Process.Start(start) ?? throw ThermoclineException.Usage($"could not start '{command[0]}'.");
        using var beating = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HeartbeatLoop.RunAsync(hub, claim.PrId, agent, claim.Lease!, every, streams, quiet: true, beating.Token);
        try
        {
            var exited = child.WaitForExitAsync(cancellationToken);
            var first = await Task.WhenAny(exited, heartbeats);
            if (first == heartbeats)
            {
                // The lease was lost (or the hub went away): the work must not go on under it.
                child.Kill(entireProcessTree: true);
                await heartbeats;
            }

            await exited;
            return child.ExitCode;
        }
        finally
        {
            await beating.CancelAsync();
            try
            {
                await heartbeats;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
