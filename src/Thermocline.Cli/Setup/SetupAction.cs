namespace Thermocline.Cli.Setup;

/// <summary>What <c>thermo setup</c> did to the agents file (in <c>--json</c>: <c>written</c>, <c>updated</c>, …).</summary>
internal enum SetupAction
{
    /// <summary>The section was added: the file was created, or the section appended to it.</summary>
    Written,

    /// <summary>An outdated section was replaced in place.</summary>
    Updated,

    /// <summary>The section was already current; nothing was written.</summary>
    Unchanged,

    /// <summary>The section (<c>--remove</c>) was taken out.</summary>
    Removed,

    /// <summary>There was no section to remove; nothing was written.</summary>
    Absent,
}
