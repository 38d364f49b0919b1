using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Playwright;
using Thermocline.Board.Tests.Support;
using Thermocline.Hub.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Thermocline.Board.Tests;

/// <summary>
/// Off loopback the token is required: a hub on 0.0.0.0 with a token, reached at the machine's outside address as a
/// person elsewhere would (127.0.0.1 when the machine has none), sends the browser to the login form, refuses a wrong
/// token, and trades the right one for an HTTP-only, SameSite=Strict cookie, never putting it in a URL. Without the
/// cookie or the bearer header the API answers 401; with the cookie, a change from another site's page is refused.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class LoginTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Token = "3f9c2a7e51d84b06a1c9e2f4d7b8a053";

    [BrowserFact]
    public async Task Board_OffLoopbackWithAToken_LoginFormRefusesAWrongTokenAndTheRightOneSetsAStrictHttpOnlyCookie()
    {
        var outside = OutsideAddress();
        await using var world = await BoardWorld.StartAsync(browser, output, ContractTaskList.Text, ["--bind", outside is null ? "127.0.0.1" : "0.0.0.0"], token: Token);
        var url = outside is null ? world.Url : $"http://{outside}:{world.Port}";
        output.WriteLine($"board at {url}");
        var page = world.Page;

        await page.GotoAsync(url + "/");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        var field = page.Locator("input[name=\"token\"]");
        await Expect(field).ToBeVisibleAsync();
        Assert.Equal("password", await field.GetAttributeAsync("type"));
        Assert.Equal("post", (await page.Locator("form").First.GetAttributeAsync("method"))?.ToLowerInvariant());
        await world.ScreenshotAsync("login");

        await field.FillAsync("0000000000000000wrong-token00000");
        await SubmitAsync(page);
        await page.WaitForURLAsync(u => u.Contains("failed=1", StringComparison.Ordinal));
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        Assert.Empty(await world.Context.CookiesAsync());
        await world.ScreenshotAsync("login-failed");

        await page.Locator("input[name=\"token\"]").FillAsync(Token);
        await SubmitAsync(page);
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/");
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
        await Expect(world.CardIn("ready", "PR-001")).ToBeVisibleAsync();
        Assert.DoesNotContain(Token, page.Url, StringComparison.Ordinal);

        var cookie = Assert.Single(await world.Context.CookiesAsync());
        Assert.True(cookie.HttpOnly, "the session cookie is readable by scripts");
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.NotEqual(Token, cookie.Value);
        Assert.DoesNotContain(cookie.Name, await page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);

        // Live through the cookie: an agent's claim (with the bearer token) shows.
        await world.ClaimAsync("PR-001", "alice");
        await Expect(world.CardIn("in-progress", "PR-001")).ToBeVisibleAsync();

        // A person acts through the cookie: the board's own requests carry its Origin and are let through.
        await page.GotoAsync(url + "/#/pr/PR-003");
        await page.Locator("input#person").FillAsync("dana.person");
        await page.Locator("button[data-action=\"approve\"]").ClickAsync();
        await page.Locator("dialog#confirm button[data-confirm]").ClickAsync();
        await Expect(page.Locator("#pr-page[data-pr=\"PR-003\"] .pr-fields")).ToContainTextAsync("approved");
        Assert.Contains("- Agent: dana.person\n", world.Repo.Git("log", "-1", "--format=%B"), StringComparison.Ordinal);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(url) };
        foreach (var path in (string[])["/api/prs", "/api/prs/PR-001", "/api/events", "/api/log", "/metrics"])
        {
            using var anonymous = await http.GetAsync(path);
            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"GET {path} without cookie or bearer: {(int)anonymous.StatusCode}");
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/"))
        {
            request.Headers.Accept.ParseAdd("text/html");
            using var anonymous = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.SeeOther, anonymous.StatusCode);
            Assert.Equal("/login", anonymous.Headers.Location?.OriginalString);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/prs"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var bearer = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/prs"))
        {
            request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
            using var withCookie = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);
        }

        // Cross-site request forgery: the cookie with another site's Origin changes nothing.
        var head = world.Repo.Head();
        var forged = await world.Context.APIRequest.PostAsync(url + "/api/prs/PR-005/transition", new()
        {
            DataObject = new { agent = "mallory", state = "broken", reason = "forged" },
            Headers = new Dictionary<string, string> { ["Origin"] = "http://evil.example" },
        });
        Assert.Equal(403, forged.Status);
        Assert.Equal(head, world.Repo.Head());

        // Logging out ends the session: the board goes back to the form.
        await page.EvaluateAsync("() => fetch('/logout', { method: 'POST', credentials: 'same-origin' })");
        Assert.Empty(await world.Context.CookiesAsync());
        await page.GotoAsync(url + "/");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await world.AssertPageCleanAsync();
    }

    /// <summary>Submits the login form (its button) and expects the hub's 303, naming the Origin the browser sent when it is not.</summary>
    private static async Task SubmitAsync(IPage page)
    {
        // The form's button, clicked once it can be: an Enter pressed in the field was once lost in CI (no POST was sent).
        var answer = await page.RunAndWaitForResponseAsync(() => page.Locator("form button[type=\"submit\"]").ClickAsync(), r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/login");
        var origin = (await answer.Request.AllHeadersAsync()).GetValueOrDefault("origin") ?? "(none)";
        if (answer.Status != 303)
        {
            Assert.Fail($"POST /login answered {answer.Status} (Origin sent by chromium: {origin}): {await answer.TextAsync()}");
        }
    }

    /// <summary>The machine's first IPv4 address off loopback, or null.</summary>
    private static string? OutsideAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString();
}
