namespace Thermocline.Hub.Tests.Support;

/// <summary>
/// A fact that needs the MCP Inspector (<see cref="McpInspector"/>). Without node or the installed package it is reported
/// as skipped — never passed — except under CI (<c>CI=true</c>), where it runs and fails saying what is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class McpInspectorFactAttribute : FactAttribute
{
    public McpInspectorFactAttribute()
    {
        if (McpInspector.Missing is { } missing && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "skipped: " + missing;
        }
    }
}
