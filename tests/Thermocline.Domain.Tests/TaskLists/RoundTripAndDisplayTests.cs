using System.Text;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.TaskLists;

public class RoundTripAndDisplayTests
{
    private const string List = "# Tasks\n\n### PR-001: One\n\n---\npr_id: PR-001   # the id\ntitle: 'One'\ncold_state: ready\npriority: high\ndependencies:\n  - PR-002\nextra:\n  nested: {a: 1}\n---\n\nText.\n\n### PR-002: Two\n\n---\npr_id: PR-002\ncold_state: completed\npriority: low\ndependencies: []\n---\n";

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    public void ToBytes_Unchanged_IsByteForByte(bool crlf, bool bom, bool finalNewline)
    {
        var text = crlf ? List.Replace("\n", "\r\n", StringComparison.Ordinal) : List;
        text = finalNewline ? text : text.TrimEnd('\r', '\n');
        byte[] bytes = bom ? [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);

        var list = TaskList.Parse(bytes);

        Assert.False(list.HasErrors, string.Join("\n", list.Diagnostics));
        Assert.Equal(bytes, list.ToBytes());
        Assert.Equal(["pr_id", "title", "cold_state", "priority", "dependencies", "extra"], list.Find("PR-001")!.FieldNames);
    }

    [Fact]
    public void WithHotStateDisplay_NoSection_AppendsItWithoutTouchingBlocks()
    {
        var list = TaskList.Parse(List);
        var body = HotStateDisplay.Render([new HotWorkItem("PR-001", HotState.InProgress, "agent-1", DateTimeOffset.UnixEpoch)], DateTimeOffset.UnixEpoch);

        var shown = list.WithHotStateDisplay(body);

        Assert.StartsWith(List, shown.Text, StringComparison.Ordinal);
        Assert.Equal(body, shown.HotStateDisplayBody);
        Assert.Equal(list.Prs.Select(p => (p.Id, p.ColdState)), shown.Prs.Select(p => (p.Id, p.ColdState)));
    }

    [Fact]
    public void WithHotStateDisplay_ExistingSectionInCrlfFile_ReplacesOnlyTheBody()
    {
        var text = List.Replace("Text.\n", "Text.\n\n<!-- HOT STATE DISPLAY -->\nold\n<!-- END HOT STATE DISPLAY -->\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);

        var shown = TaskList.Parse(text).WithHotStateDisplay("new body\n");

        Assert.Equal(text.Replace("\r\nold\r\n", "\r\nnew body\r\n", StringComparison.Ordinal), shown.Text);
    }

    [Fact]
    public void Parse_DisplaySectionThatLooksLikeState_IsNeverReadAsState()
    {
        var text = "<!-- HOT STATE DISPLAY -->\n### PR-009: Fake\n---\npr_id: PR-009\ncold_state: approved\n---\n<!-- END HOT STATE DISPLAY -->\n" + List;
        var list = TaskList.Parse(text);
        Assert.Null(list.Find("PR-009"));
        Assert.Equal(2, list.Prs.Count);
    }

    [Fact]
    public void SameContent_OnlyTimestampDiffers_IsTrue()
    {
        var items = new[] { new HotWorkItem("PR-001", HotState.Planning, "a", DateTimeOffset.UnixEpoch) };
        var a = HotStateDisplay.Render(items, DateTimeOffset.UnixEpoch);
        var b = HotStateDisplay.Render(items, DateTimeOffset.UnixEpoch.AddHours(1));
        var c = HotStateDisplay.Render([], DateTimeOffset.UnixEpoch);
        Assert.NotEqual(a, b);
        Assert.True(HotStateDisplay.SameContent(a, b));
        Assert.False(HotStateDisplay.SameContent(a, c));
        Assert.Contains("No PR is being worked on", c, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnbalancedDisplayMarkers_AreErrors()
    {
        Assert.True(TaskList.Parse(List + "<!-- HOT STATE DISPLAY -->\n").HasErrors);
        Assert.True(TaskList.Parse("<!-- END HOT STATE DISPLAY -->\n" + List).HasErrors);
    }
}
