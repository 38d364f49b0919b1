using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Output;

/// <summary>
/// What <c>status</c> and <c>ready</c> say when the hub could not give the whole truth: one warning line on stderr per
/// flag the PRs carry, and the exit code it calls for — 69 while Redis is unreachable (who holds what is unknown), and
/// for a task list that does not parse, whatever the command decides (65 for <c>ready</c>: a claim would be refused).
/// </summary>
internal static class BoardWarnings
{
    public static async Task<int> ReportAsync(IReadOnlyList<PrView> prs, CliStreams streams, int staleExitCode)
    {
        var code = ExitCodes.Ok;
        if (prs.Any(p => p.TaskListStale))
        {
            await streams.Error.WriteLineAsync(
                "thermo: warning: the task list at the hub's branch does not parse; this is the last version that did. Claims and milestones are refused until it is fixed and committed (thermo validate; the hub's /healthz has the errors).");
            code = staleExitCode;
        }

        if (prs.Any(p => p.HotStateUnavailable))
        {
            await streams.Error.WriteLineAsync(
                "thermo: warning: Redis is unreachable, so the hub cannot tell which PRs are held: HOT, AGENT and HEARTBEAT are unknown (shown as ?), not free. Claims wait until Redis is back.");
            code = ExitCodes.Unavailable;
        }

        return code;
    }
}
