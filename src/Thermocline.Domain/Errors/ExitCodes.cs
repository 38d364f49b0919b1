namespace Thermocline.Domain.Errors;

/// <summary>The exit codes of SPEC.md's interface contract.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>Anything else.</summary>
    public const int Failure = 1;
    /// <summary>Usage error.</summary>
    public const int Usage = 2;
    /// <summary>Invalid transition.</summary>
    public const int InvalidTransition = 3;
    /// <summary>Lease conflict: held by another agent, or lease lost.</summary>
    public const int LeaseConflict = 4;
    /// <summary>Bad task list (sysexits EX_DATAERR).</summary>
    public const int BadTaskList = 65;
    /// <summary>Hub, Redis or git unavailable (sysexits EX_UNAVAILABLE).</summary>
    public const int Unavailable = 69;

    /// <summary>Nothing claimable (in time) for <c>claim --next</c> (sysexits EX_TEMPFAIL: try again later).</summary>
    public const int NothingReady = 75;

    /// <summary>The exit code of an error kind.</summary>
    public static int For(ErrorKind kind) => kind switch
    {
        ErrorKind.Usage or ErrorKind.NotFound => Usage,
        ErrorKind.InvalidTransition => InvalidTransition,
        ErrorKind.LeaseConflict => LeaseConflict,
        ErrorKind.BadTaskList => BadTaskList,
        ErrorKind.Unavailable => Unavailable,
        ErrorKind.NothingReady => NothingReady,
        _ => Failure,
    };
}
