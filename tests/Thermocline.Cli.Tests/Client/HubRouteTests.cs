using Thermocline.Cli.Client;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Tests.Client;

/// <summary>
/// Which hub a request goes to next: the list a user gives (<c>THERMO_HUB=url1,url2</c>) and the rules for following a
/// group's active hub. The attempts here are scripted answers (the routing is pure logic); the real following against
/// two real hubs is in the hub's failover tests.
/// </summary>
public sealed class HubRouteTests
{
    private const string A = "http://127.0.0.1:7001/";
    private const string B = "http://127.0.0.1:7002/";

    [Fact]
    public void Parse_TakesOneOrSeveralUrls_TrimmedAndWithoutRepeats()
    {
        Assert.Equal([A], HubRoute.Parse("http://127.0.0.1:7001").Hubs.Select(u => u.ToString()));
        var group = HubRoute.Parse(" http://127.0.0.1:7001/ , http://127.0.0.1:7002,,http://127.0.0.1:7001");
        Assert.Equal([A, B], group.Hubs.Select(u => u.ToString()));
        Assert.Equal("http://127.0.0.1:7001,http://127.0.0.1:7002", group.ToString());
        Assert.Equal(A, group.Current.ToString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:7001,ftp://x", "'ftp://x' is not a hub URL; expected e.g. http://127.0.0.1:7420 (in 'http://127.0.0.1:7001,ftp://x': hub URLs separated by commas).")]
    [InlineData("localhost:7420", "'localhost:7420' is not a hub URL; expected e.g. http://127.0.0.1:7420.")]
    [InlineData(" , ", "' , ' names no hub; expected a URL such as http://127.0.0.1:7420, or several for a hub group: url1,url2.")]
    public void Parse_RefusesWhatIsNotAHubUrl_NamingIt(string text, string message)
    {
        var e = Assert.Throws<ThermoclineException>(() => HubRoute.Parse(text));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task AStandbyNamingAHubOfTheList_IsFollowedThere_AndTheNextRequestStartsThere()
    {
        var route = HubRoute.Parse($"{B},{A}");
        var asked = new List<string>();
        var answer = await route.SendAsync((hub, _) =>
        {
            asked.Add(hub.ToString());
            return hub.ToString() == B ? throw Standby(A) : Task.FromResult("done");
        }, CancellationToken.None);

        Assert.Equal("done", answer);
        Assert.Equal([B, A], asked);
        Assert.Equal(A, route.Current.ToString());
    }

    [Fact]
    public async Task AStandbyNamingAHubNotInTheList_IsNotFollowedThere_TheListIsTriedInstead()
    {
        var route = HubRoute.Parse($"{A},{B}");
        var asked = new List<string>();
        var answer = await route.SendAsync((hub, _) =>
        {
            asked.Add(hub.ToString());
            return hub.ToString() == A ? throw Standby("http://evil.example:7420") : Task.FromResult(7);
        }, CancellationToken.None);

        Assert.Equal(7, answer);
        Assert.Equal([A, B], asked);
    }

    [Fact]
    public async Task DuringATakeover_TheListIsTriedAgainUntilAHubServes()
    {
        var route = HubRoute.Parse($"{A},{B}");
        var tries = 0;
        var answer = await route.SendAsync((hub, _) => ++tries < 5 ? throw (hub.ToString() == A ? Refused(hub) : Standby(null)) : Task.FromResult(hub.ToString()), CancellationToken.None);

        Assert.Equal(5, tries);
        Assert.Equal(A, answer);
    }

    [Fact]
    public async Task NoHubServesWithinTheWait_Unavailable_NamingTheListAndTheLastAnswer()
    {
        var route = HubRoute.Parse($"{A},{B}");
        route.Wait = TimeSpan.FromMilliseconds(300);
        var e = await Assert.ThrowsAsync<ThermoclineException>(() => route.SendAsync<int>((hub, _) => throw Refused(hub), CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.StartsWith("no hub of http://127.0.0.1:7001,http://127.0.0.1:7002 served the request within 0.3 s; the last answer, from http://127.0.0.1:700", e.Message, StringComparison.Ordinal);
        Assert.Contains("no hub answers at", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneHub_NothingIsRetried_TheHubsOwnAnswerIsTheError()
    {
        var route = HubRoute.Parse(A);
        var tries = 0;
        var e = await Assert.ThrowsAsync<ThermoclineException>(() => route.SendAsync<int>((hub, _) => { tries++; throw Standby(B); }, CancellationToken.None));

        Assert.Equal(1, tries);
        Assert.Equal("standing by", e.Message);
    }

    [Fact]
    public async Task ARequestThatReachedAHubAndBroke_IsNeverSentAgain()
    {
        var route = HubRoute.Parse($"{A},{B}");
        var tries = 0;
        var e = await Assert.ThrowsAsync<ThermoclineException>(() => route.SendAsync<int>((_, _) =>
        {
            tries++;
            throw ThermoclineException.Unavailable("the connection broke; the request may or may not have taken effect");
        }, CancellationToken.None));

        Assert.Equal(1, tries);
        Assert.Contains("may or may not", e.Message, StringComparison.Ordinal);
    }

    private static HubDetour Standby(string? active) => new(ThermoclineException.Unavailable("standing by"), active);

    private static HubDetour Refused(Uri hub) => new(ThermoclineException.Unavailable($"no hub answers at {hub}"), null);
}
