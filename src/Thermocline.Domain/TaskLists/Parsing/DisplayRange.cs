namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>Where the hot-state display section is: its marker lines and the body between them.</summary>
/// <param name="Start">Offset of the start marker's line.</param>
/// <param name="BodyStart">Offset just past the start marker's line.</param>
/// <param name="BodyEnd">Offset of the end marker's line.</param>
/// <param name="StartLine">Line of the start marker.</param>
/// <param name="EndLine">Line of the end marker.</param>
internal sealed record DisplayRange(int Start, int BodyStart, int BodyEnd, int StartLine, int EndLine)
{
    public DisplayRange Shift(int delta, int lines) =>
        new(Start + delta, BodyStart + delta, BodyEnd + delta, StartLine + lines, EndLine + lines);
}
