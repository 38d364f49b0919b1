using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.TaskLists;

public class PrBodyTests
{
    private const string Text = """
        # Tasks

        ### PR-001: First

        ---
        pr_id: PR-001
        cold_state: ready
        ---

        **Description:** the first.

        #### Acceptance
        ```sh
        # a shell comment, not a heading
        ### nor this
        ```
        - done when it is

        ---

        ## Next section

        ### PR-002: Second
        ---
        pr_id: PR-002
        cold_state: new
        ---
        <!-- HOT STATE DISPLAY -->
        | live |
        <!-- END HOT STATE DISPLAY -->

        """;

    [Fact]
    public void BodyOf_StopsAtTheNextSectionHeading_NotAtHeadingsInsideCodeFences_AndDropsTheClosingRule()
    {
        var list = TaskList.Parse(Text);

        Assert.Equal(
            "**Description:** the first.\n\n#### Acceptance\n```sh\n# a shell comment, not a heading\n### nor this\n```\n- done when it is",
            list.BodyOf("PR-001"));
    }

    [Fact]
    public void BodyOf_APrWithNothingUnderItsBlock_IsEmpty_TheHotStateDisplayIsNotItsText()
    {
        Assert.Equal("", TaskList.Parse(Text).BodyOf("PR-002"));
    }
}
