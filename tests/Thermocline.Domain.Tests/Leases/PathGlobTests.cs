using Thermocline.Domain.Errors;
using Thermocline.Domain.Paths;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.Leases;

public sealed class PathGlobTests
{
    [Theory]
    [InlineData("src/Hub/Api.cs", "src/Hub/Api.cs", true)]
    [InlineData("src/Hub", "src/Hub/Api.cs", true)]              // a folder covers what is below it
    [InlineData("src/Hub/", "src/Hub/Deep/Api.cs", true)]
    [InlineData("src/Hub", "src/HubX/Api.cs", false)]
    [InlineData("src/*.cs", "src/Api.cs", true)]
    [InlineData("src/*.cs", "src/Hub/Api.cs", false)]            // * stays within one segment
    [InlineData("src/*.cs", "src/Api.txt", false)]
    [InlineData("src/**/Api.cs", "src/Api.cs", true)]
    [InlineData("src/**/Api.cs", "src/a/b/c/Api.cs", true)]
    [InlineData("src/**/Api.cs", "tests/a/Api.cs", false)]
    [InlineData("src/?pi.cs", "src/Api.cs", true)]
    [InlineData("pages/[id].tsx", "pages/[id].tsx", true)]       // brackets are literal
    [InlineData("pages/[id].tsx", "pages/i.tsx", false)]
    public void Matches_Path_AsAGlobThatCoversWhatIsBelow(string glob, string path, bool expected)
    {
        Assert.True(PathGlob.TryParse(glob, out var parsed, out _));
        Assert.Equal(expected, parsed.Matches(path));
    }

    [Theory]
    [InlineData("src/Hub", "src/Hub/Api.cs", true)]
    [InlineData("src/Hub/Api.cs", "src/Hub", true)]
    [InlineData("src/*.cs", "src/Api.*", true)]
    [InlineData("src/*.cs", "src/*.txt", false)]
    [InlineData("src/a*", "src/*b", true)]
    [InlineData("src/**/x.cs", "src/deep/**", true)]
    [InlineData("src/**/x.cs", "tests/**", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("docs/a.md", "docs/b.md", false)]
    [InlineData("src/?.cs", "src/ab.cs", false)]
    [InlineData("src/??.cs", "src/a*", true)]
    public void Overlaps_TwoGlobs_WhenSomePathFallsUnderBoth(string one, string other, bool expected)
    {
        Assert.True(PathGlob.TryParse(one, out var a, out _));
        Assert.True(PathGlob.TryParse(other, out var b, out _));
        Assert.Equal(expected, a.Overlaps(b));
        Assert.Equal(expected, b.Overlaps(a));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("C:/x", "is absolute")]
    [InlineData("src/../../x", "'..'")]
    [InlineData("src//x", "empty segment")]
    [InlineData("src\\x", "backslash")]
    [InlineData("src/x\ny", "control")]
    [InlineData("src/\u202ex", "direction")]
    public void TryParse_HostileOrMalformed_RefusedSayingWhy(string text, string expected)
    {
        Assert.False(PathGlob.TryParse(text, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TooLong_Refused()
    {
        Assert.False(PathGlob.TryParse(new string('a', PathGlob.MaxLength + 1), out _, out var problem));
        Assert.Contains("longer than", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BadPathOrTooMany_UsageErrorNamingIt()
    {
        var bad = Assert.Throws<ThermoclineException>(() => PathReservation.Create(["src/ok", "../up\u001b[31m"]));
        var many = Assert.Throws<ThermoclineException>(() => PathReservation.Create(Enumerable.Range(0, PathReservation.MaxGlobs + 1).Select(i => $"f{i}")));
        var none = Assert.Throws<ThermoclineException>(() => PathReservation.Create([]));

        Assert.Equal(ErrorKind.Usage, bad.Kind);
        Assert.Contains("'../up?[31m'", bad.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {PathReservation.MaxGlobs}", many.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorKind.Usage, none.Kind);
    }

    [Fact]
    public void FormatAndParse_RoundTrip_KeepsOrderWithoutRepeats()
    {
        var reservation = PathReservation.Create(["src/a/", "src/a", "docs/**"]);

        var back = PathReservation.Parse(reservation.Format());

        Assert.Equal(["src/a", "docs/**"], back!.Texts);
        Assert.Null(PathReservation.Parse(""));
        Assert.Null(PathReservation.Parse("/abs\n../x"));
    }

    [Fact]
    public void OfEstimatedFiles_PersonsList_PassesOverWhatIsNotAPath()
    {
        var files = new[] { new EstimatedFile("src/Parser.cs", "create", null), new EstimatedFile(null, "modify", null), new EstimatedFile("/abs", null, null) };

        var reservation = PathReservation.OfEstimatedFiles(files);

        Assert.Equal(["src/Parser.cs"], reservation!.Texts);
        Assert.Null(PathReservation.OfEstimatedFiles([new EstimatedFile("", null, null)]));
    }

    [Fact]
    public void OverlapWith_TwoReservations_NamesTheSharedGlobs()
    {
        var mine = PathReservation.Create(["src/Parser.cs", "docs/parser.md"]);
        var theirs = PathReservation.Create(["src/**"]);

        Assert.Equal(["src/Parser.cs"], mine.OverlapWith(theirs));
        Assert.Equal(["src/**"], theirs.OverlapWith(mine));
        Assert.Empty(mine.OverlapWith(PathReservation.Create(["tests/"])));
    }
}
