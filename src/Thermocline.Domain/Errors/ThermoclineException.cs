namespace Thermocline.Domain.Errors;

/// <summary>
/// The one exception type Thermocline throws on purpose. Its <see cref="Kind"/> maps to an exit code in the
/// CLI and to a problem-details status over HTTP. Build it with the named factories so messages stay consistent.
/// </summary>
public sealed partial class ThermoclineException : Exception
{
    private ThermoclineException(ErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>What kind of failure this is.</summary>
    public ErrorKind Kind { get; }

    /// <summary>The process exit code SPEC.md assigns to this kind.</summary>
    public int ExitCode => ExitCodes.For(Kind);
}
