using Thermocline.Cli.Paths;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Tests.Paths;

public sealed class ReservedPathCheckTests
{
    private static readonly ReservationView Parser = new("PR-101", "agent-a", 7, ["src/parser/**"], 120);
    private static readonly ReservationView Docs = new("PR-103", "agent-b", 9, ["docs/guide.md"], 120);

    [Fact]
    public void Find_PathsUnderOthersReservations_NamesEachWithItsHolder()
    {
        var clashes = ReservedPathCheck.Find(["src/parser/Lexer.cs", "README.md", "docs/guide.md", "docs/other.md"], [Parser, Docs], ownPr: null);

        Assert.Equal([("src/parser/Lexer.cs", "PR-101"), ("docs/guide.md", "PR-103")], clashes.Select(c => (c.Path, c.Holder.PrId)));
    }

    [Fact]
    public void Find_OwnPrsReservation_IsNotInItsWay()
    {
        var clashes = ReservedPathCheck.Find(["src/parser/Lexer.cs", "docs/guide.md"], [Parser, Docs], ownPr: "PR-101");

        Assert.Equal(["docs/guide.md"], clashes.Select(c => c.Path));
    }

    [Fact]
    public void Find_NoReservationsOrAHostileOne_FindsNothingAndDoesNotThrow()
    {
        var hostile = new ReservationView("PR-666", "x", 1, ["/etc/passwd", "../up", "a\nb"], null);

        Assert.Empty(ReservedPathCheck.Find(["src/a.cs"], [], null));
        Assert.Empty(ReservedPathCheck.Find(["etc/passwd", "up"], [hostile], null));
    }
}
