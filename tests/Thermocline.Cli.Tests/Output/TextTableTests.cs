using Thermocline.Cli.Output;

namespace Thermocline.Cli.Tests.Output;

/// <summary>Table cells and messages never act on a terminal: control characters are shown as escapes, one row stays one line.</summary>
public sealed class TextTableTests
{
    [Theory]
    [InlineData("\u001b[31mred\u001b[0m", @"\x1b[31mred\x1b[0m")]
    [InlineData("\u001b]0;owned\u0007", @"\x1b]0;owned\x07")]
    [InlineData("\u001b]52;c;aGk=\u001b\\", @"\x1b]52;c;aGk=\x1b\")]
    [InlineData("a\nPR-999  ready", @"a\nPR-999  ready")]
    [InlineData("a\r\nb\tc", @"a\r\nb\tc")]
    [InlineData("\u009b2J and \u0085 next line", @"\x9b2J and \x85 next line")]
    [InlineData("nul\0 del\u007f", @"nul\x00 del\x7f")]
    [InlineData("line\u2028para\u2029", @"line\u2028para\u2029")]
    [InlineData("\u202etxt.exe", @"\u202etxt.exe")]
    public void Escape_ControlCharacters_ShownAsEscapes(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Escape(text));

    [Theory]
    [InlineData("Project skeleton")]
    [InlineData("Überblick — 日本語 (ok) \\ path")]
    [InlineData("")]
    public void Escape_PrintableText_Unchanged(string text) => Assert.Equal(text, TerminalText.Escape(text));

    [Fact]
    public void EscapeKeepingLines_MultiLineMessage_KeepsLineBreaksOnly() =>
        Assert.Equal("first\nsecond \\x1b[2J\\r", TerminalText.EscapeKeepingLines("first\nsecond \u001b[2J\r"));

    [Fact]
    public void ToString_CellsWithControlCharacters_OneLinePerRowAndNoControlCharacter()
    {
        var table = new TextTable("PR", "TITLE");
        table.Add("PR-001", "two\nPR-666  forged row");
        table.Add("PR-002", "\u001b]0;owned\u0007\u001b[2J");
        table.Add("PR-003", null);

        var text = table.ToString();

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["PR      TITLE", @"PR-001  two\nPR-666  forged row", @"PR-002  \x1b]0;owned\x07\x1b[2J", "PR-003  -"], lines);
        Assert.DoesNotContain(text.Replace("\n", "", StringComparison.Ordinal), char.IsControl);
    }
}
