using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Sync;

namespace Thermocline.Hub.Api;

/// <summary>The <c>/api</c> routes of SPEC.md, each a thin translation to <see cref="StateSync"/>.</summary>
internal static class ApiEndpoints
{
    public static void MapThermoclineApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");

        api.MapGet("/prs", async (StateSync sync, CancellationToken ct) =>
            Results.Ok((await sync.ListAsync(ct)).Select(s => s.ToView())));

        api.MapPost("/prs", async (AddRequest? body, StateSync sync, CancellationToken ct) =>
        {
            var agent = Require(body?.Agent, "agent");
            var priority = body!.Priority is not { } p ? Priority.Medium : ParsePriority(p);
            var added = await sync.AddAsync(
                new NewPr(body.Id, Require(body.Title, "title"), priority, body.Dependencies ?? [], body.Description, body.From), agent, ct);
            return Results.Created($"/api/prs/{added.PrId}", new AddView(added.PrId, added.Commit, added.State, added.DependencyCommit));
        });

        api.MapPatch("/prs/{id}", async (string id, EditRequest? body, StateSync sync, CancellationToken ct) =>
        {
            var agent = Require(body?.Agent, "agent");
            var edited = await sync.EditAsync(Edit(id, body!.Title, body.Priority, body.Dependencies, body.AddDependencies, body.Description, body.From), agent, ct);
            return Results.Ok(new EditView(edited.PrId, edited.Commit, edited.Changed, edited.State, edited.DependencyCommit));
        });

        api.MapGet("/prs/{id}", async (string id, StateSync sync, CancellationToken ct) =>
            Results.Ok((await sync.GetAsync(id, ct)).ToView()));

        api.MapGet("/prs/{id}/details", async (string id, StateSync sync, CancellationToken ct) =>
            Results.Ok((await sync.GetDetailsAsync(id, ct)).ToView()));

        api.MapGet("/ready", async (StateSync sync, CancellationToken ct) =>
            Results.Ok((await sync.ReadyAsync(ct)).Select(s => s.ToView())));

        api.MapPost("/prs/{id}/claim", async (string id, ClaimRequest? body, StateSync sync, CancellationToken ct) =>
        {
            var agent = Require(body?.Agent, "agent");
            HotState? target = body!.State is not { } name ? null : ParseHot(name);
            return Results.Ok((await sync.ClaimAsync(id, agent, target, Ttl(body.TtlSeconds), Reservation(body.Reserve, body.Paths), ct)).ToView());
        });

        api.MapPost("/claim-next", async (ClaimNextRequest? body, StateSync sync, CancellationToken ct) =>
        {
            var agent = Require(body?.Agent, "agent");
            var filter = new ClaimNextFilter(
                body!.State is not { } name ? null : ParseHot(name),
                body.Prs is { Count: > 0 } prs ? prs.ToHashSet(StringComparer.Ordinal) : null,
                body.Priority is not { } p ? null : ParsePriority(p));
            var wait = body.WaitSeconds is not { } seconds ? TimeSpan.Zero
                : seconds is >= 0 and <= MaxWaitSeconds ? TimeSpan.FromSeconds(seconds)
                : throw ThermoclineException.Usage($"waitSeconds {seconds} is out of range; use 0 to {MaxWaitSeconds}.");
            var claimed = await sync.ClaimNextAsync(agent, filter, wait, Ttl(body.TtlSeconds), body.Reserve, ct) ?? throw ThermoclineException.NothingReady(
                wait > TimeSpan.Zero
                    ? $"nothing became claimable{Described(filter)} within {wait.TotalSeconds:0.###} s; try again later, or see what is waiting with 'thermo status'."
                    : $"nothing is claimable now{Described(filter)}; wait for work with --wait DURATION, or see what is waiting with 'thermo status'.");
            return Results.Ok(claimed.ToView());
        });

        api.MapPost("/prs/{id}/heartbeat", async (string id, LeaseRequest? body, StateSync sync, CancellationToken ct) =>
        {
            var result = await sync.HeartbeatAsync(id, Require(body?.Agent, "agent"), ParseLease(body!.Lease, required: true)!, body.Note, ct);
            return Results.Ok(new WriteView(id, result.ToString().ToLowerInvariant()));
        });

        api.MapPost("/prs/{id}/transition", async (string id, TransitionRequest? body, StateSync sync, CancellationToken ct) =>
        {
            var agent = Require(body?.Agent, "agent");
            var name = Require(body!.State, "state");
            var result = await sync.TransitionAsync(id, ParseState(name), agent, ParseLease(body.Lease, required: false), body.Reason, ct);
            return Results.Ok(result.ToView());
        });

        api.MapPost("/prs/{id}/release", async (string id, LeaseRequest? body, StateSync sync, CancellationToken ct) =>
        {
            var result = await sync.ReleaseAsync(id, Require(body?.Agent, "agent"), ParseLease(body!.Lease, required: true)!, ct);
            return Results.Ok(new WriteView(id, result.ToString().ToLowerInvariant()));
        });

        api.MapPost("/prs/{id}/release-stuck", async (string id, ReleaseStuckRequest? body, StateSync sync, CancellationToken ct) =>
        {
            var person = Require(body?.Agent, "agent");
            var fence = body!.Fence ?? throw ThermoclineException.Usage("the request body needs \"fence\": the fencing number of the lease you saw held.");
            return Results.Ok((await sync.ReleaseStuckAsync(id, person, fence, Require(body.Reason, "reason"), ct)).ToView());
        });

        api.MapGet("/reservations", async (StateSync sync, CancellationToken ct) =>
            Results.Ok((await sync.ListReservationsAsync(ct)).Select(r => r.ToView())));

        api.MapGet("/prs/{id}/leases/{fence}", async (string id, string fence, StateSync sync, CancellationToken ct) =>
        {
            var number = long.TryParse(fence, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var f) && f >= 1 ? f
                : throw ThermoclineException.Usage("the fence in /api/prs/{id}/leases/{fence} is a whole number from 1 (the number before the colon in a lease).");
            return Results.Ok((await sync.GetLeaseStandingAsync(id, number, ct)).ToView(id, number));
        });

        // With a remote, "look at git now" includes the remote: its branch is fetched first (a failure is the health's, not this answer's).
        api.MapPost("/reconcile", async (ReconcileRequest? body, bool? dryRun, StateSync sync, CancellationToken ct) =>
        {
            await sync.FetchRemoteAsync(ct);
            return Results.Ok((await sync.ReconcileAsync(dryRun ?? body?.DryRun ?? false, ct)).ToView());
        });

        api.MapGet("/events", (HttpContext http, StateSync sync, IHostApplicationLifetime lifetime, TimeProvider time, CancellationToken ct) =>
            EventStreamEndpoint.ServeAsync(http, sync.Events, lifetime, time, ct));

        api.MapGet("/log", async (string? pr, int? limit, StateSync sync, CancellationToken ct) =>
        {
            if (pr is not null && !Domain.Identity.PrId.IsValid(pr))
            {
                throw ThermoclineException.InvalidPrId(pr);
            }

            if (limit is < 1 or > 100_000)
            {
                throw ThermoclineException.Usage($"limit {limit} is out of range; use 1 to 100000.");
            }

            var history = await sync.GetHistoryAsync(pr, limit, ct);
            return Results.Ok(history.Select(m => m.ToView()));
        });
    }

    /// <summary>What a claim's request reserves: its PR's estimated files, globs, both, or (neither) nothing.</summary>
    internal static ClaimReservation? Reservation(bool estimatedFiles, IReadOnlyList<string>? paths) =>
        estimatedFiles || paths is { Count: > 0 } ? new ClaimReservation(estimatedFiles, paths) : null;

    /// <summary>The longest a claim of the next PR may wait (an hour): a longer wait is a loop of the caller's.</summary>
    public const double MaxWaitSeconds = 3600;

    internal static Priority ParsePriority(string p) =>
        Enum.TryParse<Priority>(p, ignoreCase: true, out var floor) && Enum.IsDefined(floor) && !char.IsDigit(p[0]) ? floor
            : throw ThermoclineException.Usage($"'{p}' is not a priority; expected critical, high, medium or low.");

    /// <summary>An edit of <paramref name="id"/> from the fields of a request or a tool call; null ones stay as they are.</summary>
    internal static PrEdit Edit(string id, string? title, string? priority, IReadOnlyList<string>? dependencies, IReadOnlyList<string>? addDependencies, string? description, string? from) =>
        new(id)
        {
            Title = title,
            Priority = priority is null ? null : ParsePriority(priority),
            Dependencies = dependencies,
            AddDependencies = addDependencies,
            Description = description,
            DiscoveredFrom = from,
        };

    internal static TimeSpan? Ttl(double? seconds) => seconds switch
    {
        null => null,
        > 0 and <= 86_400 => TimeSpan.FromSeconds(seconds.Value),
        _ => throw ThermoclineException.Usage($"ttlSeconds {seconds} is out of range; a lease lives 1 to 86400 s (and at most the hub's max-lease-ttl)."),
    };

    internal static WorkState ParseState(string name) => StateNames.TryParse(name, out var state) ? state.Value
        : throw ThermoclineException.Usage($"'{name}' is not a state; expected one of: {string.Join(", ", StateNames.AllCold.Concat(StateNames.AllHot))}.");

    internal static HotState ParseHot(string name) => StateNames.TryParseHot(name, out var hot)
        ? hot
        : throw ThermoclineException.Usage($"'{name}' is not a hot state; a claim takes a PR into one of: {string.Join(", ", StateNames.AllHot)}.");

    internal static string Described(ClaimNextFilter f) =>
        (f.State is { } s ? $" into {StateNames.Of(s)}" : "")
        + (f.Prs is { } prs ? $" among {string.Join(", ", prs.Order(StringComparer.Ordinal))}" : "")
        + (f.AtLeast is { } p ? $" at priority {p.ToString().ToLowerInvariant()} or higher" : "");

    internal static string Require(string? value, string field) =>
        string.IsNullOrEmpty(value) ? throw ThermoclineException.Usage($"the request body needs \"{field}\".") : value;

    internal static Lease? ParseLease(string? text, bool required)
    {
        if (text is null)
        {
            return required ? throw ThermoclineException.Usage("the request body needs \"lease\" (FENCE:ID, as the claim returned it).") : null;
        }

        return Lease.TryParse(text, out var lease)
            ? lease
            : throw ThermoclineException.Usage("\"lease\" is not a lease; expected FENCE:ID as the claim returned it, e.g. 17:3f2a….");
    }
}
