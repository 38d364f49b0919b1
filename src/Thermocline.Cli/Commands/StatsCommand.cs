using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Domain.History;
using Thermocline.Domain.Identity;
using Thermocline.Domain.States;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo stats</c>: cycle time per PR, time per cold state, lease churn and holdings that ended without a milestone,
/// from git alone (no hub).
/// </summary>
internal sealed class StatsCommand : AsyncCommand<StatsCommand.Settings>
{
    public sealed class Settings : GitHistorySettings
    {
        [CommandOption("--since <REV>")]
        [Description("Only the commits after REV (not reachable from it).")]
        public string? Since { get; init; }

        [CommandOption("--pr <PR>")]
        [Description("Only this PR.")]
        public string? Pr { get; init; }

        public override ValidationResult Validate() => Pr is not null && !PrId.IsValid(Pr)
            ? ValidationResult.Error($"'{Pr}' is not a valid PR id; expected {PrId.FormatDescription}.")
            : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        using var history = settings.Open();
        var replay = await history.ReplayAsync(settings.Since, new StderrProgress(streams.Error, "stats"), cancellationToken);
        var stats = HistoryStats.From(replay, settings.Pr);
        if (settings.Pr is { } pr && stats.Prs.Count == 0)
        {
            throw ThermoclineException.Usage($"{pr} changed in no commit of {history.Branch}{(settings.Since is null ? "" : $" after {settings.Since}")}.");
        }

        if (settings.Json)
        {
            Json.Write(streams.Out, new
            {
                branch = history.Branch,
                tip = history.TipSha,
                since = settings.Since,
                commits = stats.Commits,
                prs = stats.Prs.Select(p => new
                {
                    id = p.PrId,
                    state = p.State is { } s ? StateNames.Of(s) : null,
                    workStarted = p.WorkStarted,
                    cycleToCompletedSeconds = p.CycleToCompleted?.TotalSeconds,
                    cycleToApprovedSeconds = p.CycleToApproved?.TotalSeconds,
                    secondsInState = p.TimeInState.ToDictionary(t => StateNames.Of(t.Key), t => t.Value.TotalSeconds),
                    milestones = p.Milestones,
                    leases = p.Fences.Count,
                    fences = p.Fences,
                    holdingsDisplayed = p.Holdings,
                    holdingsEndedWithoutMilestone = p.HoldingsEndedWithoutMilestone,
                }),
                states = stats.States.Select(s => new
                {
                    state = StateNames.Of(s.State),
                    stays = s.Stays,
                    medianSeconds = s.Median.TotalSeconds,
                    p90Seconds = s.P90.TotalSeconds,
                    totalSeconds = s.Total.TotalSeconds,
                }),
            });
            return ExitCodes.Ok;
        }

        var prs = new TextTable("PR", "STATE", "TO COMPLETED", "TO APPROVED", "MILESTONES", "LEASES", "HELD", "ENDED WITHOUT MILESTONE");
        foreach (var p in stats.Prs)
        {
            prs.Add(p.PrId, p.State is { } s ? StateNames.Of(s) : "(removed)", Format(p.CycleToCompleted), Format(p.CycleToApproved), Count(p.Milestones),
                Count(p.Fences.Count), Count(p.Holdings), Count(p.HoldingsEndedWithoutMilestone));
        }

        await streams.Out.WriteAsync(prs.ToString());
        await streams.Out.WriteLineAsync();
        var states = new TextTable("STATE", "STAYS", "MEDIAN", "P90", "TOTAL");
        foreach (var s in stats.States)
        {
            states.Add(StateNames.Of(s.State), Count(s.Stays), Format(s.Median), Format(s.P90), Format(s.Total));
        }

        await streams.Out.WriteAsync(states.ToString());
        var ended = stats.Prs.Sum(p => p.HoldingsEndedWithoutMilestone);
        await streams.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{stats.Commits} commits, {stats.Prs.Count} PRs, {stats.Prs.Sum(p => p.Fences.Count)} leases seen in milestones, {ended} displayed holding{(ended == 1 ? "" : "s")} ended without a milestone"));
        await streams.Out.WriteLineAsync("(git cannot tell an expired lease from a released one, and sees a holding only if a display sync showed it; cycle time starts at the first claim a display showed, else at the first milestone to planned/completed/approved/broken)");
        return ExitCodes.Ok;
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string? Format(TimeSpan? t) => t is { } span ? Durations.Format(span.TotalSeconds) : null;
}
