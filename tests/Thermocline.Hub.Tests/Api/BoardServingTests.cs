using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Thermocline.Hub.Tests.Support;

namespace Thermocline.Hub.Tests.Api;

/// <summary>
/// What the board needs of the hub, over plain HTTP against an in-process hub: its files served with a strict policy,
/// the login that trades the token for a cookie, the refusal of cross-site writes and rebound host names, the PR page's
/// details, and a person ending a stuck lease. The browser tests (Thermocline.Board.Tests) drive the board itself.
/// </summary>
public sealed class BoardServingTests
{
    private const string Token = "board-test-token-0123456789";

    private static readonly string Text = ContractTaskList.Text.Replace(
        "pr_id: PR-001\ntitle: Project skeleton\ncold_state: ready\npriority: high\n",
        "pr_id: PR-001\ntitle: Project skeleton\ncold_state: ready\npriority: high\ncomplexity:\n  score: 4\n  estimated_minutes: 45\nestimated_files:\n  - path: src/app.cs\n    action: create\n    description: the entry point\n",
        StringComparison.Ordinal).Replace("Work on Project skeleton.\n", "Work on Project skeleton.\n\n#### Acceptance\n- [ ] it builds\n", StringComparison.Ordinal);

    private static HttpClient NoRedirects(InProcessHub hub) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = hub.Host.Address };

    [Fact]
    public async Task Board_IsServedFromTheHub_UnderAStrictContentSecurityPolicy_AndRevalidatedByETag()
    {
        await using var hub = await InProcessHub.StartAsync(Text);

        using var page = await hub.Http.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode.OK, "text/html"), (page.StatusCode, page.Content.Headers.ContentType?.MediaType));
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("/board/", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal); // nothing from elsewhere

        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.IfNoneMatch.Add(page.Headers.ETag!);
        using var revalidated = await hub.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);

        using var missing = await hub.Http.GetAsync("/board/nothing-here.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task JsonAnswers_AreGzippedForAClientThatAsks_TheEventStreamNever()
    {
        await using var hub = await InProcessHub.StartAsync(Text);
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = hub.Host.Address };

        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/prs") { Headers = { { "Accept-Encoding", "gzip" } } };
        using var gzipped = await http.SendAsync(list);
        using var plain = await http.GetAsync("/api/prs");
        using var events = new HttpRequestMessage(HttpMethod.Get, "/api/events") { Headers = { { "Accept-Encoding", "gzip" } } };
        using var stream = await http.SendAsync(events, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        await using var unzipped = new System.IO.Compression.GZipStream(await gzipped.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        Assert.Equal(await plain.Content.ReadAsStringAsync(), await new StreamReader(unzipped).ReadToEndAsync());
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.Empty(stream.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task WithAToken_TheBoardAsksForALogin_AndTheCookieItSetsIsHttpOnlyStrictAndNotTheToken()
    {
        await using var hub = await InProcessHub.StartAsync(Text, o => o.Token = Token);
        using var http = NoRedirects(hub);

        using var board = await http.GetAsync("/");
        Assert.Equal((HttpStatusCode.SeeOther, "/login"), (board.StatusCode, board.Headers.Location?.OriginalString));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/prs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/login")).StatusCode);

        using var wrong = await http.PostAsync("/login", new FormUrlEncodedContent([new("token", "not-the-token-at-all")]));
        Assert.Equal((HttpStatusCode.SeeOther, "/login?failed=1"), (wrong.StatusCode, wrong.Headers.Location?.OriginalString));
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        using var login = await http.PostAsync("/login", new FormUrlEncodedContent([new("token", Token)]));
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        Assert.Equal((HttpStatusCode.SeeOther, "/"), (login.StatusCode, login.Headers.Location?.OriginalString));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, cookie, StringComparison.Ordinal);

        var session = cookie.Split(';')[0];
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/prs") { Headers = { { "Cookie", session } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(read)).StatusCode);
    }

    [Fact]
    public async Task ACookieAloneDoesNotVouchForAWriteFromAnotherSite()
    {
        await using var hub = await InProcessHub.StartAsync(Text, o => o.Token = Token);
        using var http = NoRedirects(hub);
        using var login = await http.PostAsync("/login", new FormUrlEncodedContent([new("token", Token)]));
        var session = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        HttpRequestMessage Claim(string? origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/prs/PR-004/claim") { Content = JsonContent.Create(new { agent = "person" }) };
            request.Headers.Add("Cookie", session);
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            return request;
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Claim("http://evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Claim(null))).StatusCode);
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/prs/PR-004") { Headers = { { "Authorization", "Bearer " + Token } } };
        using var unchanged = await http.SendAsync(read);
        Assert.Null((await unchanged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hotState").GetString());

        var own = hub.Host.Address.GetLeftPart(UriPartial.Authority);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Claim(own))).StatusCode);
    }

    [Fact]
    public async Task OnLoopback_ARequestForAnotherHostName_IsRefused()
    {
        await using var hub = await InProcessHub.StartAsync(Text);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/prs");
        request.Headers.Host = "attacker.example";

        using var response = await hub.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        using var localhost = new HttpRequestMessage(HttpMethod.Get, "/api/prs") { Headers = { Host = $"localhost:{hub.Host.Address.Port}" } };
        Assert.Equal(HttpStatusCode.OK, (await hub.Http.SendAsync(localhost)).StatusCode);
    }

    [Fact]
    public async Task Details_GiveThePrsMarkdownAndFields_AsTheTaskListHasThem()
    {
        await using var hub = await InProcessHub.StartAsync(Text);

        var details = await hub.Http.GetFromJsonAsync<JsonElement>("/api/prs/PR-001/details");

        Assert.Equal("PR-001", details.GetProperty("pr").GetProperty("id").GetString());
        Assert.Equal("Work on Project skeleton.\n\n#### Acceptance\n- [ ] it builds", details.GetProperty("markdown").GetString());
        Assert.Equal(45, details.GetProperty("complexity").GetProperty("estimatedMinutes").GetInt32());
        Assert.Equal("src/app.cs", details.GetProperty("estimatedFiles")[0].GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Http.GetAsync("/api/prs/PR-999/details")).StatusCode);
    }

    [Fact]
    public async Task APersonEndsAStuckLease_OnlyTheOneTheySaw_AndTheHolderIsThenRefused()
    {
        await using var hub = await InProcessHub.StartAsync(Text);
        using var claim = await hub.Http.PostAsJsonAsync("/api/prs/PR-004/claim", new { agent = "agent-1" });
        var claimed = await claim.Content.ReadFromJsonAsync<JsonElement>();
        var (lease, fence) = (claimed.GetProperty("lease").GetString(), claimed.GetProperty("fence").GetInt64());

        using var stale = await hub.Http.PostAsJsonAsync("/api/prs/PR-004/release-stuck", new { agent = "alice", fence = fence + 1, reason = "agent-1 crashed" });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        using var noReason = await hub.Http.PostAsJsonAsync("/api/prs/PR-004/release-stuck", new { agent = "alice", fence });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("in-progress", (await hub.Http.GetFromJsonAsync<JsonElement>("/api/prs/PR-004")).GetProperty("hotState").GetString());

        using var released = await hub.Http.PostAsJsonAsync("/api/prs/PR-004/release-stuck", new { agent = "alice", fence, reason = "agent-1 crashed" });
        var pr = await released.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((HttpStatusCode.OK, "ready", JsonValueKind.Null), (released.StatusCode, pr.GetProperty("state").GetString(), pr.GetProperty("hotState").ValueKind));

        using var beat = await hub.Http.PostAsJsonAsync("/api/prs/PR-004/heartbeat", new { agent = "agent-1", lease });
        Assert.Equal(HttpStatusCode.Conflict, beat.StatusCode);
        using var again = await hub.Http.PostAsJsonAsync("/api/prs/PR-004/release-stuck", new { agent = "alice", fence, reason = "twice" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}
