using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Api;

namespace Thermocline.Cli.Client;

/// <summary>
/// The agent commands' way to the hub: JSON over HTTP (<see cref="PlainHttp"/> for http://, HttpClient for https://). Problem responses become <see cref="ThermoclineException"/>s
/// of the kind the hub named (so exit codes match SPEC.md); an unreachable hub is <see cref="ErrorKind.Unavailable"/>.
/// Bodies go through the contract's source-generated metadata (<see cref="HubJsonContext"/>): an agent command
/// is one short process, and reflection-based serialization would cost it more than the request does.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string? _bearer;
    private readonly Dictionary<Uri, HttpsTransport> _https = [];

    /// <param name="url">The hub, or the hubs of a group separated by commas (<c>--hub</c>); null for <c>THERMO_HUB</c> or the default.</param>
    /// <param name="token">The bearer token (<c>--token</c>); null for <c>THERMO_TOKEN</c>.</param>
    public HubClient(string? url, string? token)
    {
        Route = HubRoute.Parse(url);
        _bearer = (token ?? Environment.GetEnvironmentVariable("THERMO_TOKEN")) is { Length: > 0 } bearer ? bearer : null;
    }

    /// <summary>The hubs this client talks to, and the one it talks to now.</summary>
    public HubRoute Route { get; }

    /// <summary><c>GET /api/prs</c>: every PR.</summary>
    public Task<List<PrView>> ListAsync(CancellationToken cancellationToken) =>
        GetAsync("api/prs", Contract.ListPrView, cancellationToken);

    /// <summary><c>GET /api/prs/{id}</c>: one PR.</summary>
    public Task<PrView> GetAsync(string pr, CancellationToken cancellationToken) =>
        GetAsync($"api/prs/{Uri.EscapeDataString(pr)}", Contract.PrView, cancellationToken);

    /// <summary><c>GET /api/ready</c>: the claimable PRs, by priority.</summary>
    public Task<List<PrView>> ReadyAsync(CancellationToken cancellationToken) =>
        GetAsync("api/ready", Contract.ListPrView, cancellationToken);

    /// <summary><c>GET /api/log</c>: milestones, newest first.</summary>
    public Task<List<MilestoneView>> LogAsync(string? pr, int limit, CancellationToken cancellationToken) =>
        GetAsync($"api/log?limit={limit.ToString(CultureInfo.InvariantCulture)}" + (pr is null ? "" : $"&pr={Uri.EscapeDataString(pr)}"), Contract.ListMilestoneView, cancellationToken);

    /// <summary><c>GET /healthz</c>.</summary>
    public Task<HealthView> HealthAsync(CancellationToken cancellationToken) =>
        GetAsync("healthz", Contract.HealthView, cancellationToken);

    /// <summary><c>POST /api/prs/{id}/claim</c>.</summary>
    public Task<TransitionView> ClaimAsync(string pr, ClaimRequest body, CancellationToken cancellationToken) =>
        PostAsync($"api/prs/{Uri.EscapeDataString(pr)}/claim", body, Contract.ClaimRequest, Contract.TransitionView, cancellationToken);

    /// <summary><c>POST /api/prs</c>: adds a PR.</summary>
    public Task<AddView> AddAsync(AddRequest body, CancellationToken cancellationToken) =>
        PostAsync("api/prs", body, Contract.AddRequest, Contract.AddView, cancellationToken);

    /// <summary><c>PATCH /api/prs/{id}</c>: edits a PR's fields.</summary>
    public Task<EditView> EditAsync(string pr, EditRequest body, CancellationToken cancellationToken) =>
        SendAsync("PATCH", $"api/prs/{Uri.EscapeDataString(pr)}", JsonSerializer.SerializeToUtf8Bytes(body, Contract.EditRequest), Contract.EditView, cancellationToken);

    /// <summary><c>POST /api/claim-next</c>: the best claimable PR, claimed; the hub may take <paramref name="wait"/> to answer.</summary>
    public Task<TransitionView> ClaimNextAsync(ClaimNextRequest body, TimeSpan wait, CancellationToken cancellationToken) =>
        SendAsync("POST", "api/claim-next", JsonSerializer.SerializeToUtf8Bytes(body, Contract.ClaimNextRequest), Contract.TransitionView, cancellationToken, wait);

    /// <summary><c>POST /api/prs/{id}/heartbeat</c>.</summary>
    public Task<WriteView> HeartbeatAsync(string pr, LeaseRequest body, CancellationToken cancellationToken) =>
        PostAsync($"api/prs/{Uri.EscapeDataString(pr)}/heartbeat", body, Contract.LeaseRequest, Contract.WriteView, cancellationToken);

    /// <summary><c>POST /api/prs/{id}/transition</c>.</summary>
    public Task<TransitionView> TransitionAsync(string pr, TransitionRequest body, CancellationToken cancellationToken) =>
        PostAsync($"api/prs/{Uri.EscapeDataString(pr)}/transition", body, Contract.TransitionRequest, Contract.TransitionView, cancellationToken);

    /// <summary><c>POST /api/prs/{id}/release</c>.</summary>
    public Task<WriteView> ReleaseAsync(string pr, LeaseRequest body, CancellationToken cancellationToken) =>
        PostAsync($"api/prs/{Uri.EscapeDataString(pr)}/release", body, Contract.LeaseRequest, Contract.WriteView, cancellationToken);

    /// <summary><c>POST /api/prs/{id}/release-stuck</c>: a person ends a stuck lease by its fence.</summary>
    public Task<PrView> ReleaseStuckAsync(string pr, ReleaseStuckRequest body, CancellationToken cancellationToken) =>
        PostAsync($"api/prs/{Uri.EscapeDataString(pr)}/release-stuck", body, Contract.ReleaseStuckRequest, Contract.PrView, cancellationToken);

    /// <summary><c>GET /api/reservations</c>: every live path reservation.</summary>
    public Task<List<ReservationView>> ReservationsAsync(CancellationToken cancellationToken) =>
        GetAsync("api/reservations", Contract.ListReservationView, cancellationToken);

    /// <summary><c>GET /api/prs/{id}/leases/{fence}</c>: whether that lease is current, or when and how it ended.</summary>
    public Task<LeaseStandingView> LeaseStandingAsync(string pr, long fence, CancellationToken cancellationToken) =>
        GetAsync($"api/prs/{Uri.EscapeDataString(pr)}/leases/{fence.ToString(CultureInfo.InvariantCulture)}", Contract.LeaseStandingView, cancellationToken);

    /// <summary><c>POST /api/reconcile</c>.</summary>
    public Task<ReconcileView> ReconcileAsync(ReconcileRequest body, CancellationToken cancellationToken) =>
        PostAsync("api/reconcile", body, Contract.ReconcileRequest, Contract.ReconcileView, cancellationToken);

    public void Dispose()
    {
        foreach (var transport in _https.Values)
        {
            transport.Dispose();
        }
    }

    private static HubJsonContext Contract => HubJsonContext.Default;

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> response, CancellationToken cancellationToken) =>
        SendAsync("GET", path, null, response, cancellationToken);

    private Task<TResponse> PostAsync<TRequest, TResponse>(
        string path, TRequest body, JsonTypeInfo<TRequest> request, JsonTypeInfo<TResponse> response, CancellationToken cancellationToken) =>
        SendAsync("POST", path, JsonSerializer.SerializeToUtf8Bytes(body, request), response, cancellationToken);

    private Task<T> SendAsync<T>(string method, string path, byte[]? json, JsonTypeInfo<T> responseType, CancellationToken cancellationToken, TimeSpan hubMayTake = default) =>
        Route.SendAsync((hub, ct) => SendToAsync(hub, method, path, json, responseType, hubMayTake, ct), cancellationToken);

    private async Task<T> SendToAsync<T>(Uri hub, string method, string path, byte[]? json, JsonTypeInfo<T> responseType, TimeSpan hubMayTake, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout + hubMayTake);
        PlainHttp.Response response;
        try
        {
            response = hub.Scheme == Uri.UriSchemeHttp
                ? await PlainHttp.SendAsync(hub, method, path, _bearer, json, timeout.Token)
                : await HttpsTo(hub).SendAsync(method, path, json, timeout.Token);
        }
        catch (SocketException ex)
        {
            // Nothing was sent: another hub of a group may serve it.
            throw new HubDetour(ThermoclineException.Unavailable(
                $"no hub answers at {hub}: start one with 'thermo hub' in the repository, or point at it with --hub URL / THERMO_HUB.", ex), null);
        }
        catch (IOException ex)
        {
            // The hub went away mid-request: whether it acted is unknown, so say so rather than guess (and never resend).
            throw ThermoclineException.Unavailable(
                $"the connection to the hub at {hub} broke ({ex.Message}); the request may or may not have taken effect — check with 'thermo status' before retrying.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ThermoclineException.Unavailable($"the hub at {hub} did not answer within {(Timeout + hubMayTake).TotalSeconds:0} s.", ex);
        }

        return response.Status is >= 200 and < 300
            ? JsonSerializer.Deserialize(response.Body, responseType)!
            : throw Problem(response);
    }

    private HttpsTransport HttpsTo(Uri hub)
    {
        lock (_https)
        {
            return _https.TryGetValue(hub, out var transport) ? transport : _https[hub] = new HttpsTransport(hub, _bearer);
        }
    }

    private static Exception Problem(PlainHttp.Response response)
    {
        string? detail = null;
        string? kind = null;
        try
        {
            using var json = JsonDocument.Parse(response.Body);
            detail = json.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            kind = json.RootElement.TryGetProperty("kind", out var k) ? k.GetString() : null;
        }
        catch (JsonException)
        {
        }

        detail ??= $"the hub answered {response.Status} {response.Reason}";
        if (HubDetour.IsStandbyRefusal(response.Status, response.Body, out var activeHub))
        {
            // A standby did nothing: the active hub it names, or another of the group, may serve it.
            return new HubDetour(ThermoclineException.Unavailable(detail), activeHub);
        }

        return (kind, response.Status) switch
        {
            ("invalid-transition", _) => ThermoclineException.InvalidTransitionMessage(detail),
            ("lease-conflict", _) => ThermoclineException.LeaseConflict(detail),
            ("bad-task-list", _) => ThermoclineException.BadTaskList(detail),
            ("unavailable", _) => ThermoclineException.Unavailable(detail),
            ("not-found", _) => ThermoclineException.Usage(detail),
            ("nothing-ready", _) => ThermoclineException.NothingReady(detail),
            (_, 401) => ThermoclineException.Usage($"the hub refused the request: {detail}"),
            ("usage", _) => ThermoclineException.Usage(detail),
            _ => ThermoclineException.Failure(detail),
        };
    }
}
