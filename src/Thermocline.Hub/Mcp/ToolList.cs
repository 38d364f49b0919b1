namespace Thermocline.Hub.Mcp;

/// <summary>
/// The output schema of a tool answering a list: MCP's structured content is an object, so the list the CLI's
/// <c>--json</c> prints is its <c>result</c> (the text content is the bare list).
/// </summary>
internal sealed record ToolList<T>(IReadOnlyList<T> Result);
