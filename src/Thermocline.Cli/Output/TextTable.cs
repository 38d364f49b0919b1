using System.Text;

namespace Thermocline.Cli.Output;

/// <summary>
/// A plain, aligned text table: stable to read, grep and diff (no colours, no box drawing). Every cell goes through
/// <see cref="TerminalText.Escape(string)"/>, so one row is one line and no cell can act on the terminal.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string?[] cells) => _rows.Add(cells.Select(c => c is null ? "-" : TerminalText.Escape(c)).ToArray());

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        Line(sb, headers, widths);
        foreach (var row in _rows)
        {
            Line(sb, row, widths);
        }

        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            sb.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        sb.Append('\n');
    }
}
