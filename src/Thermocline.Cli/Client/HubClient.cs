using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Thermocline.Domain.Errors;
using Thermocline.Hub;

namespace Thermocline.Cli.Client;

/// <summary>
/// The agent commands' way to the hub: JSON over HTTP. Problem responses become <see cref="ThermoclineException"/>s
/// of the kind the hub named (so exit codes match SPEC.md); an unreachable hub is <see cref="ErrorKind.Unavailable"/>.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public HubClient(string? url, string? token)
    {
        var address = url ?? (Environment.GetEnvironmentVariable("THERMO_HUB") is { Length: > 0 } env ? env : HubDefaults.Url);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw ThermoclineException.Usage($"'{address}' is not a hub URL; expected e.g. {HubDefaults.Url}.");
        }

        BaseAddress = uri;
        _http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(30) };
        var bearer = token ?? Environment.GetEnvironmentVariable("THERMO_TOKEN");
        if (!string.IsNullOrEmpty(bearer))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
    }

    public Uri BaseAddress { get; }

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<T> PostAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: JsonOptions) }, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw ThermoclineException.Unavailable(
                $"no hub answers at {BaseAddress}: start one with 'thermo hub' in the repository, or point at it with --hub URL / THERMO_HUB.", ex);
        }
        catch (HttpRequestException ex)
        {
            // The hub went away mid-request: whether it acted is unknown, so say so rather than guess.
            throw ThermoclineException.Unavailable(
                $"the connection to the hub at {BaseAddress} broke ({ex.Message}); the request may or may not have taken effect — check with 'thermo status' before retrying.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ThermoclineException.Unavailable($"the hub at {BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s.", ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return (await response.Content.ReadFromJsonAsync<T>(JsonOptions, cancellationToken))!;
            }

            throw await ProblemAsync(response, cancellationToken);
        }
    }

    private static async Task<ThermoclineException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? detail = null;
        string? kind = null;
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            detail = json.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            kind = json.RootElement.TryGetProperty("kind", out var k) ? k.GetString() : null;
        }
        catch (JsonException)
        {
        }

        detail ??= $"the hub answered {(int)response.StatusCode} {response.ReasonPhrase}";
        return (kind, response.StatusCode) switch
        {
            ("invalid-transition", _) => ThermoclineException.InvalidTransitionMessage(detail),
            ("lease-conflict", _) => ThermoclineException.LeaseConflict(detail),
            ("bad-task-list", _) => ThermoclineException.BadTaskList(detail),
            ("unavailable", _) => ThermoclineException.Unavailable(detail),
            ("not-found", _) => ThermoclineException.Usage(detail),
            (_, HttpStatusCode.Unauthorized) => ThermoclineException.Usage($"the hub refused the request: {detail}"),
            ("usage", _) => ThermoclineException.Usage(detail),
            _ => ThermoclineException.Failure(detail),
        };
    }
}
