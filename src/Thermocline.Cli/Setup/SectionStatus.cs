namespace Thermocline.Cli.Setup;

/// <summary>What <c>thermo setup --check</c> found (in <c>--json</c>: <c>current</c>, <c>missing</c>, <c>outdated</c>).</summary>
internal enum SectionStatus
{
    /// <summary>The section is there, word for word what <c>thermo setup</c> writes.</summary>
    Current,

    /// <summary>The file, or the section in it, is missing.</summary>
    Missing,

    /// <summary>The section is there but differs from what <c>thermo setup</c> writes now.</summary>
    Outdated,
}
