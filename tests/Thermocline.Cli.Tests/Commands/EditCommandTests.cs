using Thermocline.Cli.Commands;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Tests.Commands;

/// <summary><c>thermo edit</c>'s own refusals, in-process and before any hub is asked; and the PR lists the commands share.</summary>
public sealed class EditCommandTests
{
    // Nothing listens on port 1: a refusal that needed the hub would be exit 69, not 2.
    private const string NoHub = "http://127.0.0.1:1";

    [Theory]
    [InlineData("nothing to edit", "edit", "PR-002", "--agent", "a")]
    [InlineData("'PR-1;rm' is not a valid PR id", "edit", "PR-002", "--depends", "PR-1;rm", "--agent", "a")]
    [InlineData("--add-depends: 'x' is not a valid PR id", "edit", "PR-002", "--add-depends", "PR-001, x", "--agent", "a")]
    [InlineData("'pr-2' is not a valid PR id", "edit", "pr-2", "--title", "T", "--agent", "a")]
    [InlineData("--only: 'PR-1;rm' is not a valid PR id", "claim", "--next", "--only", "PR-1;rm", "--agent", "a")]
    public async Task Edit_BadArguments_ExitTwoWithoutAskingTheHub(string message, params string[] args)
    {
        var run = await CliRun.RunAsync([.. args, "--hub", NoHub]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void PrIdList_CommaSeparated_TrimmedAndEmptyMeansNone_AbsentIsNull()
    {
        Assert.Equal(["PR-001", "PR-003"], PrIdList.Parse(" PR-001 ,, PR-003 ", "--depends")!);
        Assert.Empty(PrIdList.Parse("", "--depends")!);
        Assert.Null(PrIdList.Parse(null, "--depends"));
        Assert.Equal(ErrorKind.Usage, Assert.Throws<ThermoclineException>(() => PrIdList.Parse("PR-001,PR 2", "--depends")).Kind);
    }
}
