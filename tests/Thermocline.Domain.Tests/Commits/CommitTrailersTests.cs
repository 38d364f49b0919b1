using Thermocline.Domain.Commits;

namespace Thermocline.Domain.Tests.Commits;

public sealed class CommitTrailersTests
{
    private static readonly string[] Ours = ["Thermocline-PR: PR-005", "Thermocline-Lease: 17"];
    private const string OurBlock = "Thermocline-PR: PR-005\nThermocline-Lease: 17\n";

    [Theory]
    [InlineData("Subject\n", "Subject\n\n" + OurBlock)]
    [InlineData("Subject", "Subject\n\n" + OurBlock)] // no final line break: the trailer still starts a line of its own
    [InlineData("Subject: with a colon\n", "Subject: with a colon\n\n" + OurBlock)] // the subject is never a trailer block
    [InlineData("Subject\n\nBody text.\n", "Subject\n\nBody text.\n\n" + OurBlock)]
    [InlineData("Subject\n\nBody\n\n\n", "Subject\n\nBody\n\n" + OurBlock + "\n\n")] // what follows the message stays
    [InlineData("", "\n" + OurBlock)]
    public void Set_NoTrailerBlock_AddsOneAfterABlankLine(string message, string expected) =>
        Assert.Equal(expected, CommitTrailers.Set(message, Ours));

    [Fact]
    public void Set_ExistingTrailerBlock_AppendsToIt()
    {
        var message = "Subject\n\nBody\n\nSigned-off-by: A <a@example.com>\nCo-authored-by: B <b@example.com>\n";

        Assert.Equal(message + OurBlock, CommitTrailers.Set(message, Ours));
    }

    [Fact]
    public void Set_Amend_ReplacesOursAndKeepsNoDuplicates()
    {
        var amended = "Subject\n\nBody\n\nThermocline-PR: PR-004\nSigned-off-by: A <a@example.com>\nthermocline-lease: 3\n  folded\nThermocline-PR: PR-004\n";

        var once = CommitTrailers.Set(amended, Ours);

        Assert.Equal("Subject\n\nBody\n\nSigned-off-by: A <a@example.com>\n" + OurBlock, once);
        Assert.Equal(once, CommitTrailers.Set(once, Ours));
    }

    [Fact]
    public void Set_BlockOfOnlyOurs_IsReplacedWithoutAnExtraBlankLine()
    {
        var message = "Subject\n\nBody\n\nThermocline-PR: PR-004\nThermocline-Lease: 3\n";

        Assert.Equal("Subject\n\nBody\n\n" + OurBlock, CommitTrailers.Set(message, Ours));
    }

    [Fact]
    public void Set_Comments_StayBelowTheTrailers()
    {
        const string comments = "\n# Please enter the commit message for your changes.\n#\n# On branch main\n";

        Assert.Equal("Subject\n\nBody\n\n" + OurBlock + comments, CommitTrailers.Set("Subject\n\nBody\n" + comments, Ours));
        Assert.Equal("\n" + OurBlock + comments, CommitTrailers.Set(comments, Ours));
    }

    [Fact]
    public void Set_ScissorsAndDiff_StayByteForByte()
    {
        const string verbose = "\n# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n+Key: not a trailer\n";

        Assert.Equal("Subject\n\n" + OurBlock + verbose, CommitTrailers.Set("Subject\n" + verbose, Ours));
    }

    [Fact]
    public void Set_OtherCommentChar_IsHonoured()
    {
        const string comments = "\n; a comment: not a trailer\n";

        Assert.Equal("Subject\n\n" + OurBlock + comments, CommitTrailers.Set("Subject\n" + comments, Ours, ';'));
    }

    [Fact]
    public void Set_MergeMessageWithConflictComments_AddsAfterTheMessage()
    {
        const string merge = "Merge branch 'main' into pr-005\n\n# Conflicts:\n#\tsrc/a.cs\n";

        Assert.Equal("Merge branch 'main' into pr-005\n\n" + OurBlock + "\n# Conflicts:\n#\tsrc/a.cs\n", CommitTrailers.Set(merge, Ours));
    }

    [Fact]
    public void Set_SquashMessage_IndentedTrailersOfSquashedCommitsAreNotABlock()
    {
        const string squash = "Squashed commit of the following:\n\ncommit 0123\nAuthor: A <a@example.com>\n\n    Work\n\n    Thermocline-PR: PR-004\n    Thermocline-Lease: 3\n";

        Assert.Equal(squash + "\n" + OurBlock, CommitTrailers.Set(squash, Ours));
    }

    [Fact]
    public void Set_CrLfMessage_KeepsItsLineEndings()
    {
        Assert.Equal("Subject\r\n\r\nThermocline-PR: PR-005\r\nThermocline-Lease: 17\r\n", CommitTrailers.Set("Subject\r\n", Ours));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("\n\n# only comments\n", true)]
    [InlineData("x\n", false)]
    public void IsEmpty_BlankAndComments_AreEmpty(string message, bool expected) =>
        Assert.Equal(expected, CommitTrailers.IsEmpty(message));
}
