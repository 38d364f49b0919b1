using Thermocline.Cli.Output;
using Thermocline.ColdStore.History;
using Thermocline.Domain.Dependencies;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo status --at REV</c>: the board as a commit holds it, from git alone (no hub). Cold states are that commit's
/// task list; hot states, agents and claim times only what its display section showed people then — never live state.
/// </summary>
internal static class StatusAtRevision
{
    public static async Task<int> ShowAsync(StatusCommand.Settings settings, CliStreams streams, CancellationToken cancellationToken)
    {
        if (settings.Pr is { } id && !PrId.IsValid(id))
        {
            throw ThermoclineException.InvalidPrId(id);
        }

        using var history = GitHistory.Open(settings.Repo, branch: null, settings.TaskList, requireBranch: false);
        var board = await history.ReadBoardAsync(settings.At!, cancellationToken);
        var shown = board.List.HotStateDisplayBody is not null;
        var prs = board.List.Prs.Where(p => settings.Pr is null || p.Id == settings.Pr).Select(p => View(p, board)).ToList();
        if (settings.Pr is { } wanted && prs.Count == 0)
        {
            throw ThermoclineException.UnknownPr(wanted);
        }

        if (settings.Json)
        {
            Json.Write(streams.Out, new
            {
                revision = settings.At,
                commit = board.Sha,
                title = board.Title,
                committed = board.Committed,
                hotStateAsDisplayed = shown,
                prs,
            });
            return ExitCodes.Ok;
        }

        await streams.Out.WriteLineAsync($"board at {board.Sha[..10]} ({TerminalText.Escape(board.Title)}), committed {board.Committed.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        await streams.Out.WriteAsync(HubAnswers.Board(prs));
        var hot = prs.Count(p => p.HotState is not null);
        await streams.Out.WriteLineAsync(shown
            ? $"{prs.Count} PRs, {hot} hot as displayed at that commit (the hub's display section: shown for people, not state)"
            : $"{prs.Count} PRs; that commit has no display section: hot state unknown");
        return ExitCodes.Ok;
    }

    private static PrView View(PrEntry p, BoardAtRevision board)
    {
        var row = board.Displayed.FirstOrDefault(r => r.PrId == p.Id);
        var cold = StateNames.Of(p.ColdState);
        return new PrView(
            p.Id,
            p.Title,
            (p.Priority ?? Priority.Medium).ToString().ToLowerInvariant(),
            cold,
            row is null ? null : StateNames.Of(row.State),
            row is null ? cold : StateNames.Of(row.State),
            row?.Agent,
            LastHeartbeat: null,
            HeartbeatAgeSeconds: null,
            ExpiresInSeconds: null,
            Fence: null,
            p.Dependencies,
            DependencyRules.Unmet(p, board.List),
            ClaimableAs: []);
    }
}
