using System.Collections.Frozen;
using System.Globalization;
using StackExchange.Redis;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;
using Thermocline.Domain.Leases;
using Thermocline.Domain.Paths;
using Thermocline.Domain.States;
using Thermocline.HotStore.Keys;
using Thermocline.HotStore.Leases;
using Thermocline.HotStore.Queueing;
using Thermocline.HotStore.Scripts;

namespace Thermocline.HotStore;

public sealed partial class RedisHotStore
{
    /// <summary>
    /// Claims <paramref name="prId"/> for <paramref name="agent"/> into <paramref name="target"/> (cold → hot), atomically:
    /// only if no live hot state exists and the cached cold state equals <paramref name="expectedCold"/> (git's, as the
    /// caller knows it; a missing cache is filled with it) and allows the transition. The lease's fence is the PR's
    /// counter incremented and above <see cref="FenceFloor"/>, so it is above every fence handed out before, even by a
    /// Redis that has since been wiped.
    /// </summary>
    /// <exception cref="ThermoclineException">
    /// <see cref="ErrorKind.LeaseConflict"/> when someone holds it or the cold state moved; <see cref="ErrorKind.InvalidTransition"/>
    /// when the cold state does not allow <paramref name="target"/>; <see cref="ErrorKind.Unavailable"/> when Redis is
    /// away (claims are never queued: the caller needs the lease now).
    /// </exception>
    /// <remarks>The lease lives <paramref name="ttl"/> after each heartbeat (default <see cref="HeartbeatTtl"/>); the caller bounds it.</remarks>
    public async Task<Lease> ClaimAsync(string prId, string agent, HotState target, ColdState expectedCold, CancellationToken cancellationToken, TimeSpan? ttl = null) =>
        await ClaimAsync(prId, agent, target, expectedCold, null, cancellationToken, ttl);

    /// <summary>
    /// <see cref="ClaimAsync(string, string, HotState, ColdState, CancellationToken, TimeSpan?)"/> that also reserves
    /// <paramref name="paths"/> under the new lease, in the same script: the reservation lives and ends with the lease. The
    /// caller decides whether it overlaps another (<see cref="ListReservationsAsync"/>); this only records it.
    /// </summary>
    public async Task<Lease> ClaimAsync(
        string prId, string agent, HotState target, ColdState expectedCold, PathReservation? paths, CancellationToken cancellationToken, TimeSpan? ttl = null)
    {
        var keys = Keys.For(prId);
        if (!AgentId.IsValid(agent))
        {
            throw ThermoclineException.InvalidAgentId(agent);
        }

        var check = StateMachine.Check(expectedCold, target);
        if (!check.IsAllowed)
        {
            throw ThermoclineException.InvalidTransition(prId, check);
        }

        var leaseId = Guid.NewGuid().ToString("N");
        RedisValue[] args =
        [
            StateNames.Of(target), agent, StateNames.Of(expectedCold), AllowedFrom(target), NowMs, ttl is { } t ? Math.Max(1, (long)t.TotalMilliseconds) : TtlMs, leaseId, FenceFloor,
            paths?.Format() ?? "",
        ];
        var reply = await RunAsync($"claim {prId}", () =>
        {
            // Indexed before the script runs, in the same round trip: the index never misses a hot PR.
            _ = _db.SetAddAsync(Keys.HotIndex, prId, CommandFlags.FireAndForget);
            if (paths is not null)
            {
                _ = _db.SetAddAsync(Keys.ReservedIndex, prId, CommandFlags.FireAndForget);
            }

            return _scripts.EvaluateAsync(HotScripts.Claim, keys.ScriptKeys, args);
        }, cancellationToken);
        var parts = (RedisResult[])reply!;
        if ((long)parts[0] == 1)
        {
            var fence = (long)parts[1];
            await RunAsync($"wait for a replica to have the claim of {prId}", async () =>
            {
                await WaitForReplicaAsync(prId, keys.HotState, fence);
                return true;
            }, cancellationToken);
            return new Lease(fence, leaseId);
        }

        var code = (string)parts[1]!;
        throw code switch
        {
            "held" => ThermoclineException.LeaseConflict(
                $"{prId} is held by {(string?)parts[2]} ({(string?)parts[3]}); it is free again when released, or when its lease expires without a heartbeat (by default {FormatTtl()} after the last one)."),
            "cold-moved" => ThermoclineException.LeaseConflict(
                $"{prId} moved on: its cold state is now {(string?)parts[2]}, not {StateNames.Of(expectedCold)}. Reload and try again."),
            _ => ThermoclineException.InvalidTransition(prId, StateMachine.Check(ParseCold((string?)parts[2], prId), target)),
        };
    }

    /// <summary>
    /// Every fence a claim hands out is above this (default 0): the caller keeps it at or above every fence ever handed
    /// out for any PR (a durable mark, and what this process handed out since), so fences grow across Redis wipes.
    /// </summary>
    public long FenceFloor
    {
        get => Interlocked.Read(ref _fenceFloor);
        set
        {
            for (var current = Interlocked.Read(ref _fenceFloor); value > current; current = Interlocked.Read(ref _fenceFloor))
            {
                if (Interlocked.CompareExchange(ref _fenceFloor, value, current) == current)
                {
                    break;
                }
            }
        }
    }

    private long _fenceFloor;

    /// <summary>
    /// Checks that <paramref name="lease"/> still holds <paramref name="prId"/> and refreshes it like a heartbeat;
    /// returns the hot state. Never queued: use it before a milestone commit.
    /// </summary>
    public async Task<HotState> VerifyLeaseAsync(string prId, Lease lease, CancellationToken cancellationToken)
    {
        var heartbeat = Heartbeat(prId, lease, NowMs);
        var reply = await RunAsync($"check the lease on {prId}", heartbeat.SendAsync, cancellationToken);
        heartbeat.Accept(reply);
        return ParseHot((string?)reply[1], prId);
    }

    /// <summary>
    /// Keeps the lease alive: every hot key of the PR lives another <see cref="HeartbeatTtl"/>. Queued when Redis is away.
    /// </summary>
    /// <exception cref="ThermoclineException"><see cref="ErrorKind.LeaseConflict"/> when the lease is stale or foreign.</exception>
    public Task<HotWriteResult> HeartbeatAsync(string prId, Lease lease, CancellationToken cancellationToken)
    {
        return ApplyOrQueueAsync(Heartbeat(prId, lease, NowMs), cancellationToken);
    }

    /// <summary>
    /// Leaves <paramref name="text"/> as the PR's handoff note under <paramref name="lease"/> (see <see cref="LeaseNote"/>);
    /// it replaces any earlier note. Queued when Redis is away.
    /// </summary>
    /// <exception cref="ThermoclineException">
    /// <see cref="ErrorKind.Usage"/> for a note <see cref="LeaseNote.Validate"/> refuses; <see cref="ErrorKind.LeaseConflict"/>
    /// when the lease is stale or foreign.
    /// </exception>
    public Task<HotWriteResult> NoteAsync(string prId, Lease lease, string agent, string text, CancellationToken cancellationToken)
    {
        LeaseNote.Validate(text);
        if (!AgentId.IsValid(agent))
        {
            throw ThermoclineException.InvalidAgentId(agent);
        }

        var keys = CheckedKeys(prId, lease);
        var note = new LeaseNote(lease.Fence, agent, DateTimeOffset.FromUnixTimeMilliseconds(NowMs), text);
        return ApplyOrQueueAsync(
            new PrScriptUpdate(this, "note", HotScripts.Note, prId, keys.NoteKeys, [lease.ToString(), note.Format(), (long)LeaseNote.Keep.TotalMilliseconds], lease),
            cancellationToken);
    }

    /// <summary>
    /// Moves a held PR from its hot state to <paramref name="target"/> (hot → hot), keeping its expiry: only
    /// <see cref="HeartbeatAsync"/> extends a lease. Asking for the state it is already in changes nothing. Queued when
    /// Redis is away.
    /// </summary>
    /// <exception cref="ThermoclineException">
    /// <see cref="ErrorKind.LeaseConflict"/> when the lease is stale or foreign; <see cref="ErrorKind.InvalidTransition"/>
    /// when the current hot state does not lead to <paramref name="target"/>.
    /// </exception>
    public Task<HotWriteResult> TransitionHotAsync(string prId, Lease lease, HotState target, CancellationToken cancellationToken)
    {
        var keys = CheckedKeys(prId, lease);
        return ApplyOrQueueAsync(
            new PrScriptUpdate(this, "transition", HotScripts.TransitionHot, prId, keys.LeaseKeys, [lease.ToString(), StateNames.Of(target), AllowedFrom(target)], lease, target),
            cancellationToken);
    }

    /// <summary>Drops the hot state of a held PR; it is back at its cold state. Queued when Redis is away.</summary>
    /// <exception cref="ThermoclineException"><see cref="ErrorKind.LeaseConflict"/> when the lease is stale or foreign.</exception>
    public Task<HotWriteResult> ReleaseAsync(string prId, Lease lease, CancellationToken cancellationToken) =>
        ClearHotAsync(prId, lease, null, cancellationToken);

    /// <summary>
    /// Clears the hot state of <paramref name="prId"/> and, when <paramref name="coldState"/> is given, caches that cold
    /// state in the same script — the hot → cold completion after its git commit. With a lease, only its holder may;
    /// with none it is a forced clear (reconciliation: git wins). Queued when Redis is away.
    /// </summary>
    /// <exception cref="ThermoclineException"><see cref="ErrorKind.LeaseConflict"/> when a given lease is stale or foreign.</exception>
    public Task<HotWriteResult> ClearHotAsync(string prId, Lease? lease, ColdState? coldState, CancellationToken cancellationToken)
    {
        var keys = lease is null ? Keys.For(prId) : CheckedKeys(prId, lease);
        RedisValue[] args = [lease?.ToString() ?? "", coldState is { } c ? StateNames.Of(c) : "", NowMs];
        return ApplyOrQueueAsync(
            new PrScriptUpdate(this, lease is null ? "clear" : "release", HotScripts.Clear, prId, keys.HotAndColdKeys, args, lease), cancellationToken);
    }

    /// <summary>
    /// Raises the PR's fencing counter to at least <paramref name="floor"/> (e.g. the fence of its last milestone commit
    /// in git), so fences keep growing after Redis was wiped. Never lowers it. Returns the counter.
    /// </summary>
    public Task<long> SeedFenceAsync(string prId, long floor, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(floor);
        var keys = Keys.For(prId);
        return RunAsync($"seed the fence of {prId}", async () =>
        {
            _ = _db.SetAddAsync(Keys.PrIndex, prId, CommandFlags.FireAndForget);
            return (long)await _scripts.EvaluateAsync(HotScripts.SeedFence, [keys.Fence], [floor]);
        }, cancellationToken);
    }

    /// <summary>A heartbeat of <paramref name="lease"/> at <paramref name="now"/>; its reply is {1, hot state} when the lease holds.</summary>
    private PrScriptUpdate Heartbeat(string prId, Lease lease, long now) => new(
        this, "heartbeat", HotScripts.Heartbeat, prId, CheckedKeys(prId, lease).HotKeys, [lease.ToString(), now, TtlMs], lease, index: Keys.HotIndex);

    private PrKeys CheckedKeys(string prId, Lease lease)
    {
        var keys = Keys.For(prId);
        ArgumentNullException.ThrowIfNull(lease);
        if (!lease.IsWellFormed)
        {
            throw ThermoclineException.Usage($"'{lease}' is not a lease; a lease looks like 17:0f3a… as printed by the claim.");
        }

        return keys;
    }

    private static ThermoclineException Refusal(string prId, Lease lease, RedisResult[] parts, HotState? target)
    {
        var code = (string)parts[1]!;
        if (code == "not-allowed" && target is { } t)
        {
            return ThermoclineException.InvalidTransition(prId, StateMachine.Check(ParseHot((string?)parts[2], prId), t));
        }

        var held = (string?)parts[2];
        var agent = (string?)parts[3];
        if (string.IsNullOrEmpty(held) || held == lease.ToString() || !Lease.TryParse(held, out var current))
        {
            return ThermoclineException.LeaseConflict(
                $"{prId}: your lease (fence {lease.Fence}) is no longer held: it expired or was released. Claim the PR again.");
        }

        return ThermoclineException.LeaseConflict(
            $"{prId}: your lease (fence {lease.Fence}) is stale: the PR is now held by {agent} under fence {current.Fence}.");
    }

    /// <summary>The states from which <paramref name="target"/> may be entered, as <c>" a b "</c> for the scripts.</summary>
    private static string AllowedFrom(HotState target) => AllowedFromByTarget[target];

    private static readonly FrozenDictionary<HotState, string> AllowedFromByTarget =
        Enum.GetValues<HotState>().ToFrozenDictionary(
            target => target,
            target => " " + string.Join(' ', TransitionTable.All.Where(t => t.To == target).Select(t => t.From.ToString())) + " ");

    private string FormatTtl() => _options.HeartbeatTtl.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{_options.HeartbeatTtl.TotalMinutes:0.#} min")
        : string.Create(CultureInfo.InvariantCulture, $"{_options.HeartbeatTtl.TotalSeconds:0.#} s");

    private static ColdState ParseCold(string? name, string prId) => StateNames.TryParseCold(name, out var state)
        ? state
        : throw ThermoclineException.Failure($"Redis holds an unknown cold state '{name}' for {prId}; run 'thermo reconcile'.");

    private static HotState ParseHot(string? name, string prId) => StateNames.TryParseHot(name, out var state)
        ? state
        : throw ThermoclineException.Failure($"Redis holds an unknown hot state '{name}' for {prId}; run 'thermo reconcile'.");
}
