using System.Diagnostics;
using System.Text.Json;
using Thermocline.Domain.Errors;
using Thermocline.Hub;

namespace Thermocline.Cli.Client;

/// <summary>
/// The hubs a client talks to: one URL, or the hubs of a group (<c>--hub url1,url2</c> or <c>THERMO_HUB=url1,url2</c>),
/// of which one is active and the others stand by. A request goes to the hub that answered last (the first of the list
/// at the start of a command). It moves on only when that hub provably did nothing: nobody listens there (the connection
/// was refused or timed out before anything was sent), or it stands by (503 with <c>standby: true</c>). A standby names
/// the active hub, which is tried next when it is one of the list (a client is never sent to a hub it was not given);
/// otherwise the next hub of the list is. While no hub of the group is active — a takeover takes a few seconds — the
/// list is tried again with a short pause, for up to <see cref="FailoverWait"/>. A request that reached a hub and broke
/// is never sent again: whether it took effect is unknown. With one hub nothing is retried.
/// </summary>
internal sealed class HubRoute
{
    /// <summary>How long a client given several hubs keeps looking for the active one (a failover is the lease's TTL and a recovery).</summary>
    public static readonly TimeSpan FailoverWait = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    private readonly Uri[] _hubs;
    private int _current;

    private HubRoute(Uri[] hubs) => _hubs = hubs;

    /// <summary>Every hub of the route, in the order given, each ending in '/'.</summary>
    public IReadOnlyList<Uri> Hubs => _hubs;

    /// <summary>How long a request looks for the active hub of a group (<see cref="FailoverWait"/>; shorter in tests).</summary>
    public TimeSpan Wait { get; set; } = FailoverWait;

    /// <summary>The hub the next request goes to.</summary>
    public Uri Current => _hubs[Volatile.Read(ref _current)];

    /// <summary>
    /// The hubs from <paramref name="option"/> (<c>--hub</c>), else <c>THERMO_HUB</c>, else the default address: one URL or
    /// several separated by commas; each must be an absolute http:// or https:// URL.
    /// </summary>
    public static HubRoute Parse(string? option)
    {
        var text = option ?? (Environment.GetEnvironmentVariable("THERMO_HUB") is { Length: > 0 } env ? env : HubDefaults.Url);
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw ThermoclineException.Usage($"'{text}' names no hub; expected a URL such as {HubDefaults.Url}, or several for a hub group: url1,url2.");
        }

        var hubs = new List<Uri>(parts.Length);
        foreach (var part in parts)
        {
            var hub = ToHub(part) ?? throw ThermoclineException.Usage(
                $"'{part}' is not a hub URL; expected e.g. {HubDefaults.Url}" + (parts.Length > 1 ? $" (in '{text}': hub URLs separated by commas)." : "."));
            if (!hubs.Contains(hub))
            {
                hubs.Add(hub);
            }
        }

        return new HubRoute([.. hubs]);
    }

    /// <summary>The route as <c>THERMO_HUB</c> takes it (for a child process that talks to the same hubs).</summary>
    public override string ToString() => string.Join(',', _hubs.Select(h => h.ToString().TrimEnd('/')));

    /// <summary>
    /// Sends through <paramref name="attempt"/> to the current hub, following the group as the class says; an attempt
    /// throws <see cref="HubDetour"/> for an answer that says the hub did nothing and another may serve.
    /// </summary>
    public async Task<T> SendAsync<T>(Func<Uri, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var tries = 0;
        while (true)
        {
            var hub = Current;
            try
            {
                return await attempt(hub, cancellationToken);
            }
            catch (HubDetour detour) when (_hubs.Length > 1)
            {
                tries++;
                if (waited.Elapsed >= Wait)
                {
                    throw ThermoclineException.Unavailable(
                        $"no hub of {this} served the request within {Wait.TotalSeconds:0.#} s; the last answer, from {hub}: {detour.Error.Message}", detour.Error);
                }

                var next = detour.ActiveHub is { } named && ToHub(named) is { } active && Array.IndexOf(_hubs, active) is >= 0 and var index && active != hub
                    ? index
                    : (Array.IndexOf(_hubs, hub) + 1) % _hubs.Length;
                Volatile.Write(ref _current, next);
                if (tries % _hubs.Length == 0)
                {
                    await Task.Delay(Pause, cancellationToken); // every hub tried once: a takeover is under way
                }
            }
            catch (HubDetour detour)
            {
                throw detour.Error;
            }
        }
    }

    private static Uri? ToHub(string text) =>
        Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;
}

/// <summary>
/// A hub did not act on a request and another hub of the group may: nobody listens there, or it stands by
/// (<paramref name="activeHub"/> is the active hub it named, if any). <paramref name="error"/> is what the command says
/// when no other hub serves it.
/// </summary>
internal sealed class HubDetour(ThermoclineException error, string? activeHub) : Exception(error.Message, error)
{
    public ThermoclineException Error { get; } = error;

    public string? ActiveHub { get; } = activeHub;

    /// <summary>
    /// Whether an answer is a standby's refusal — 503 with a problem document saying <c>standby: true</c> — and the active
    /// hub it names (null during a takeover).
    /// </summary>
    public static bool IsStandbyRefusal(int status, byte[] body, out string? activeHub)
    {
        activeHub = null;
        if (status != 503)
        {
            return false;
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind != JsonValueKind.Object
                || !problem.RootElement.TryGetProperty("standby", out var standby) || standby.ValueKind != JsonValueKind.True)
            {
                return false;
            }

            activeHub = problem.RootElement.TryGetProperty("activeHub", out var active) && active.ValueKind == JsonValueKind.String ? active.GetString() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
