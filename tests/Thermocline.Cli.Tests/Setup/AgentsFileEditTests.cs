using System.Text;
using CsCheck;
using Thermocline.Cli.Setup;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Tests.Setup;

/// <summary>The byte-level edits of <c>thermo setup</c>, on generated files: nothing outside the markers ever changes.</summary>
public sealed class AgentsFileEditTests
{
    private const string File = "AGENTS.md";

    // Lines of markdown-ish text, with UTF-8 beyond ASCII, comment starts and stray CRs, but never a marker.
    private static readonly Gen<(byte[] Content, string Newline, bool EndsInLineBreak)> Files =
        Gen.Select(Gen.String[Gen.Char["ab #<!->\t\ré日"], 0, 12].Array[0, 8], Gen.Bool, Gen.Bool, Gen.Bool).Select((lines, crlf, finalNewline, bom) =>
        {
            var newline = crlf ? "\r\n" : "\n";
            var text = string.Join(newline, lines.Select(l => l.TrimEnd('\r'))) + (finalNewline && lines.Length > 0 ? newline : "");
            var bytes = Encoding.UTF8.GetBytes(text);
            return ((byte[])(bom ? [.. Encoding.UTF8.Preamble, .. bytes] : bytes), newline, text.Length == 0 || text.EndsWith('\n'));
        });

    [Fact]
    public void Write_AnyFile_KeepsItAsThePrefixAndAddsTheSectionInItsLineEnding() =>
        Files.Sample((content, _, _) =>
        {
            var written = AgentsFileEdit.Write(content, File);

            Assert.Equal(SetupAction.Written, written.Action);
            var text = Encoding.UTF8.GetString(written.Content!);
            Assert.StartsWith(Encoding.UTF8.GetString(content), text, StringComparison.Ordinal);
            var section = AgentInstructions.Render(FirstNewline(content) ?? "\n");
            Assert.EndsWith(section + (FirstNewline(content) ?? "\n"), text, StringComparison.Ordinal);
            Assert.Equal(SectionStatus.Current, AgentsFileEdit.Check(written.Content, File));
            Assert.Equal(SetupAction.Unchanged, AgentsFileEdit.Write(written.Content, File).Action);
        });

    [Fact]
    public void Remove_AfterWrite_GivesBackTheBytesOfAnyFileEndingInALineBreak() =>
        Files.Where(f => f.EndsInLineBreak).Sample((content, _, _) =>
        {
            var removed = AgentsFileEdit.Remove(AgentsFileEdit.Write(content, File).Content, File);

            Assert.Equal(SetupAction.Removed, removed.Action);
            Assert.Equal(content, removed.Content);
        });

    [Fact]
    public void Remove_AfterWriteToAFileWithoutFinalLineBreak_AddsOnlyThatLineBreak() =>
        Files.Where(f => !f.EndsInLineBreak).Sample((content, _, _) =>
            Assert.Equal([.. content, .. Encoding.UTF8.GetBytes(FirstNewline(content) ?? "\n")], AgentsFileEdit.Remove(AgentsFileEdit.Write(content, File).Content, File).Content!));

    [Fact]
    public void Write_OutdatedSection_ReplacesOnlyWhatIsBetweenTheMarkers()
    {
        var content = Encoding.UTF8.GetBytes("x\r\n\t<!-- thermocline:begin v0 -->\r\nold\r\n<!-- thermocline:end --> trailing\r\ny");

        var updated = AgentsFileEdit.Write(content, File);

        Assert.Equal(SetupAction.Updated, updated.Action);
        Assert.Equal("x\r\n\t" + AgentInstructions.Render("\r\n") + " trailing\r\ny", Encoding.UTF8.GetString(updated.Content!));
    }

    [Fact]
    public void Check_NoFileOrNoSection_Missing()
    {
        Assert.Equal(SectionStatus.Missing, AgentsFileEdit.Check(null, File));
        Assert.Equal(SectionStatus.Missing, AgentsFileEdit.Check([], File));
        Assert.Equal(SectionStatus.Missing, AgentsFileEdit.Check("# <!-- thermocline:begin --> mentioned, not a marker\n"u8.ToArray(), File));
    }

    [Fact]
    public void Check_SectionInOtherLineEndingsThanTheFile_Outdated()
    {
        var content = Encoding.UTF8.GetBytes("# A\r\n\r\n" + AgentInstructions.Render("\n") + "\r\n");
        Assert.Equal(SectionStatus.Outdated, AgentsFileEdit.Check(content, File));
    }

    [Fact]
    public void Find_Utf16File_RefusedAsNotUtf8()
    {
        var ex = Assert.Throws<ThermoclineException>(() => AgentsFileEdit.Write([.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes("# A\n")], File));
        Assert.Equal(ExitCodes.BadTaskList, ex.ExitCode);
        Assert.StartsWith("AGENTS.md:1: ", ex.Message, StringComparison.Ordinal);
    }

    private static string? FirstNewline(byte[] content)
    {
        var i = Array.IndexOf(content, (byte)'\n');
        return i < 0 ? null : i > 0 && content[i - 1] == '\r' ? "\r\n" : "\n";
    }
}
