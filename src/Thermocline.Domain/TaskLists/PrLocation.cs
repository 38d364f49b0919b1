namespace Thermocline.Domain.TaskLists;

/// <summary>Where a PR's heading, block and <c>cold_state</c> value are in the file.</summary>
/// <param name="HeadingLine">Line of the <c>### PR-xxx</c> heading.</param>
/// <param name="OpenLine">Line of the opening <c>---</c>.</param>
/// <param name="CloseLine">Line of the closing <c>---</c>.</param>
/// <param name="PrIdLine">Line of the <c>pr_id</c> field (the opening line when absent).</param>
/// <param name="ColdStateLine">Line of the <c>cold_state</c> field, or 0 when the block has none.</param>
/// <param name="ColdStateStart">Offset of the <c>cold_state</c> value (quotes included), or -1 when absent.</param>
/// <param name="ColdStateEnd">Offset just past that value.</param>
/// <param name="InsertAt">Offset of the line a missing <c>cold_state:</c> line is inserted before; -1 for a flow-style block.</param>
/// <param name="InsertLine">Line number the inserted line would take.</param>
/// <param name="KeyIndent">Columns of indentation of the block's top-level keys.</param>
/// <param name="NewLine">The block's line terminator (<c>\n</c> or <c>\r\n</c>).</param>
public sealed record PrLocation(
    int HeadingLine,
    int OpenLine,
    int CloseLine,
    int PrIdLine,
    int ColdStateLine,
    int ColdStateStart,
    int ColdStateEnd,
    int InsertAt,
    int InsertLine,
    int KeyIndent,
    string NewLine)
{
    /// <summary>True when the block has a <c>cold_state</c> field.</summary>
    public bool HasColdState => ColdStateStart >= 0;
}
