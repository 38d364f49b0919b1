namespace Thermocline.Domain.Errors;

/// <summary>What kind of failure a <see cref="ThermoclineException"/> is; decides exit code and HTTP status.</summary>
public enum ErrorKind
{
    /// <summary>Anything else (exit 1, HTTP 500).</summary>
    Other,
    /// <summary>Bad arguments or request (exit 2, HTTP 400).</summary>
    Usage,
    /// <summary>The transition is not allowed from the PR's effective state (exit 3, HTTP 422).</summary>
    InvalidTransition,
    /// <summary>The PR is held by another agent, the lease was lost, or the state moved underneath (exit 4, HTTP 409).</summary>
    LeaseConflict,
    /// <summary>The task list does not parse or validate (exit 65, HTTP 422).</summary>
    BadTaskList,
    /// <summary>The hub, Redis or git is unavailable (exit 69, HTTP 503).</summary>
    Unavailable,
    /// <summary>The PR does not exist (exit 2, HTTP 404).</summary>
    NotFound,

    /// <summary>No PR was claimable (in time) for a claim of the next one (exit 75, sysexits EX_TEMPFAIL: try later; HTTP 404).</summary>
    NothingReady,
}
