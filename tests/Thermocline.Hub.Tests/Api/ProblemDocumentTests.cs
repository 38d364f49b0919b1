using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.Api;

/// <summary>
/// Every error status of a real <c>thermo hub</c> process, over HTTP, is an RFC 9457 problem document with the
/// project's <c>kind</c> and <c>exitCode</c> — ASP.NET Core's own statuses and unhandled exceptions included.
/// </summary>
public sealed class ProblemDocumentTests : IAsyncLifetime
{
    private readonly HubWorld _world = HubWorld.Create(Store.Embedded, null);

    private HttpClient Http => _world.Http;

    public async Task InitializeAsync() => await _world.StartHubAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Theory]
    [InlineData("nope")]
    [InlineData("api/nope")]
    [InlineData("api/prs/PR-001/nope")]
    [InlineData("nope%1B%5D0%3Bx%07")]
    public async Task Get_UnknownRoute_Is404ProblemNamingWhatIsServed(string path)
    {
        var problem = await ProblemDocument.AssertAsync(await Http.GetAsync(path), HttpStatusCode.NotFound, "not-found", 2);

        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("/api/prs", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(detail, char.IsControl);
    }

    [Fact]
    public async Task Send_WrongMethod_Is405ProblemNamingTheAllowedOne()
    {
        var problem = await ProblemDocument.AssertAsync(await Http.DeleteAsync("api/prs"), HttpStatusCode.MethodNotAllowed, "usage", 2);
        Assert.Contains("DELETE", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("GET", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await ProblemDocument.AssertAsync(await Http.GetAsync("api/prs/PR-001/claim"), HttpStatusCode.MethodNotAllowed, "usage", 2);
    }

    [Fact]
    public async Task Post_WrongContentType_Is415Problem()
    {
        var problem = await ProblemDocument.AssertAsync(
            await Http.PostAsync("api/prs/PR-001/claim", new StringContent("agent=a1", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "usage", 2);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNotHeldAsync("PR-001");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BodyOver64KiB_Is413Problem(bool chunked)
    {
        var body = JsonSerializer.Serialize(new { agent = "a1", state = "in-progress", padding = new string('x', 64 * 1024) });
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/prs/PR-001/claim") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TransferEncodingChunked = chunked;

        var problem = await ProblemDocument.AssertAsync(await Http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "usage", 2);

        Assert.Contains("larger than the hub accepts", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNotHeldAsync("PR-001");
    }

    [Theory]
    [InlineData("{\"agent\":")]
    [InlineData("{\"agent\": 5}")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public async Task Post_MalformedJson_Is400Problem(string body)
    {
        var problem = await ProblemDocument.AssertAsync(
            await Http.PostAsync("api/prs/PR-001/claim", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "usage", 2);
        Assert.DoesNotContain("Thermocline.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNotHeldAsync("PR-001");
    }

    [Fact]
    public async Task Get_BadQueryValue_Is400Problem() =>
        await ProblemDocument.AssertAsync(await Http.GetAsync("api/log?limit=many"), HttpStatusCode.BadRequest, "usage", 2);

    [Fact]
    public async Task Transition_ReadOnlyGitDirectory_Is503UnavailableNamingTheCause()
    {
        using var claim = await Http.PostAsJsonAsync("api/prs/PR-001/claim", new { agent = "a1" });
        var lease = (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lease").GetString();
        var head = _world.Repo.Head();

        using (ImmutableTree.Apply(_world.Repo.GitDir))
        {
            var problem = await ProblemDocument.AssertAsync(
                await Http.PostAsJsonAsync("api/prs/PR-001/transition", new { agent = "a1", state = "completed", lease }), HttpStatusCode.ServiceUnavailable, "unavailable", 69);
            Assert.Contains(".git", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

            var cli = await _world.RunAsync("transition", "PR-001", "completed", "--agent", "a1", "--lease", lease!);
            Assert.True(cli.ExitCode == 69, cli.ToString());
            Assert.Contains(".git", cli.Error, StringComparison.Ordinal);
        }

        Assert.Equal(head, _world.Repo.Head());
    }

    private async Task AssertNotHeldAsync(string id)
    {
        var pr = await Http.GetFromJsonAsync<JsonElement>($"api/prs/{id}");
        Assert.Equal(JsonValueKind.Null, pr.GetProperty("hotState").ValueKind);
    }
}
