namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>A PR heading and the 0-based lines of the <c>---</c> pair that delimit its YAML block.</summary>
internal readonly record struct RawBlock(int HeadingLine, string HeadingId, string HeadingTitle, int OpenLine, int CloseLine);
