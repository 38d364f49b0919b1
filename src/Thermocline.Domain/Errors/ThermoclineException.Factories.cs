using Thermocline.Domain.Identity;
using Thermocline.Domain.States;

namespace Thermocline.Domain.Errors;

public sealed partial class ThermoclineException
{
    /// <summary>Bad arguments or input that the caller can fix.</summary>
    public static ThermoclineException Usage(string message) => new(ErrorKind.Usage, message);

    /// <summary>An id that is not a valid PR id.</summary>
    public static ThermoclineException InvalidPrId(string? value) =>
        new(ErrorKind.Usage, $"'{Printable(value)}' is not a valid PR id; expected {PrId.FormatDescription}.");

    /// <summary>A name that is not a valid agent name.</summary>
    public static ThermoclineException InvalidAgentId(string? value) =>
        new(ErrorKind.Usage, $"'{Printable(value)}' is not a valid agent name; expected {AgentId.FormatDescription}.");

    /// <summary>A PR the task list does not have.</summary>
    public static ThermoclineException UnknownPr(string prId) =>
        new(ErrorKind.NotFound, $"{prId} is not in the task list. Run 'thermo status' to see the PRs there are.");

    /// <summary>A transition the state machine refuses.</summary>
    public static ThermoclineException InvalidTransition(string prId, TransitionCheck check) =>
        new(ErrorKind.InvalidTransition, $"{prId}: {check.Reason}");

    /// <summary>A refused transition whose explanation is already written (e.g. relayed from the hub).</summary>
    public static ThermoclineException InvalidTransitionMessage(string message) => new(ErrorKind.InvalidTransition, message);

    /// <summary>The PR is held by someone else, or the caller's lease is no longer current.</summary>
    public static ThermoclineException LeaseConflict(string message) => new(ErrorKind.LeaseConflict, message);

    /// <summary>Nothing was claimable (in time) for a claim of the next PR.</summary>
    public static ThermoclineException NothingReady(string message) => new(ErrorKind.NothingReady, message);

    /// <summary>The task list does not parse or validate.</summary>
    public static ThermoclineException BadTaskList(string message, Exception? inner = null) => new(ErrorKind.BadTaskList, message, inner);

    /// <summary>A store (git, Redis, the hub) is unavailable; <paramref name="inner"/> is the original failure.</summary>
    public static ThermoclineException Unavailable(string message, Exception? inner = null) => new(ErrorKind.Unavailable, message, inner);

    /// <summary>Anything else that went wrong, wrapping the original.</summary>
    public static ThermoclineException Failure(string message, Exception? inner = null) => new(ErrorKind.Other, message, inner);

    /// <summary>Renders untrusted input for an error message: control characters escaped, length capped.</summary>
    internal static string Printable(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var sb = new System.Text.StringBuilder();
        foreach (var c in value.Length > 80 ? value[..80] : value)
        {
            if (char.IsControl(c))
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return value.Length > 80 ? sb.Append('…').ToString() : sb.ToString();
    }
}
