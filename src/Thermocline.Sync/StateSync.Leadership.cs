using Thermocline.Domain.Errors;
using Thermocline.HotStore.Leadership;
using Thermocline.Sync.Events;
using Thermocline.Sync.Status;

namespace Thermocline.Sync;

/// <summary>
/// A hub of a group (<see cref="SyncOptions.Group"/>): several hubs on one Redis and one remote, one of them active. The
/// active hub holds the leader lease in Redis (a TTL renewed every fifth of it) and has marked the remote's leader ref as
/// its own, so each of its pushes lands only while no other hub took over since. The others stand by: they serve reads,
/// fetch the remote, and try to take the lead at every tick; the first to get it fetches, recovers as after a crash and
/// serves writes. A hub that finds it lost the lease, or whose push finds another hub's mark, stands by at once.
/// Without a group every hub is active and none of this runs.
/// </summary>
public sealed partial class StateSync
{
    private readonly SemaphoreSlim _leadGate = new(1, 1);
    private volatile HubLeader? _lead;
    private volatile bool _active;
    private volatile string? _activeHub;
    private Task<StartupReport?> _takeover = Task.FromResult<StartupReport?>(null);

    /// <summary>True when this hub serves writes: always without a group; in one, once it leads and has recovered.</summary>
    public bool IsActive => _options.Group is null || _active;

    /// <summary>In a group: <c>active</c>, <c>taking-over</c> (leads, still recovering) or <c>standby</c>; null without one.</summary>
    public string? Role => _options.Group is null ? null : _active ? "active" : _lead is not null ? "taking-over" : "standby";

    /// <summary>In a group: the URL of the active hub as last seen (this hub's own while it is); null when none is known.</summary>
    public string? ActiveHub => _options.Group is not { } group ? null : _active ? group.Address : _activeHub;

    /// <summary>The recovery of the last takeover (a completed task while standing by from the start).</summary>
    public Task<StartupReport?> Takeover => _takeover;

    /// <summary>The report of the last takeover's recovery once it is done; null before.</summary>
    public StartupReport? LastTakeover { get; private set; }

    /// <summary>
    /// One leadership tick. Leading: renews the lease (lost, or another hub's mark found on the remote: stands by).
    /// Standing by: takes the lead when no hub holds it, marks the remote's leader ref, and starts the takeover —
    /// fetch, then <see cref="StartAsync"/> as after a crash — whose end makes the hub active (<see cref="Takeover"/>).
    /// Redis away: a standby stays one; a leader keeps leading (its pushes are fenced on the remote). Returns whether this
    /// hub leads after the tick.
    /// </summary>
    public async Task<bool> LeadAsync(CancellationToken cancellationToken)
    {
        var group = _options.Group ?? throw new InvalidOperationException("LeadAsync is for a hub of a group (SyncOptions.Group).");
        await _leadGate.WaitAsync(cancellationToken);
        try
        {
            if (_lead is { } held)
            {
                return await KeepLeadAsync(held, group, cancellationToken);
            }

            var leader = await _hot.TakeLeadAsync(group.HubId, group.Address, group.LeaseTtl, cancellationToken);
            if (leader.HubId != group.HubId)
            {
                if (_activeHub != leader.Address)
                {
                    _activeHub = leader.Address;
                    SyncLog.StandingBy(_logger, leader.Address);
                }

                return false;
            }

            if (!await _cold.ClaimLeadershipAsync(leader.Fence, group.HubId, group.Address, cancellationToken))
            {
                await _hot.ResignLeadAsync(leader, cancellationToken);
                SyncLog.SteppedDown(_logger, "another hub's mark reached the remote's leader ref first");
                return false;
            }

            _lead = leader;
            SyncLog.TookLead(_logger, leader.Fence);
            _takeover = TakeOverAsync(leader, cancellationToken);
            return true;
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable)
        {
            if (_lead is null)
            {
                _activeHub = null; // nobody can tell who leads while Redis is away
            }

            return _lead is not null;
        }
        finally
        {
            _leadGate.Release();
        }
    }

    private async Task<StartupReport?> TakeOverAsync(HubLeader leader, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        await _cold.FetchAsync(cancellationToken);
        var report = await StartAsync(cancellationToken);
        LastTakeover = report;
        if (_lead == leader)
        {
            _active = true;
            _activeHub = leader.Address;
            SyncLog.Leading(_logger, leader.Fence, (long)_time.GetElapsedTime(started).TotalMilliseconds);
            Emit(SyncEventKind.Leadership, null, $"this hub leads the group (fence {leader.Fence}) and serves writes");
        }

        return report;
    }

    private async Task<bool> KeepLeadAsync(HubLeader held, HubGroupOptions group, CancellationToken cancellationToken)
    {
        if (_cold.DeposedBy is { } deposed)
        {
            StandBy(deposed);
            return false;
        }

        if (_takeover is { IsFaulted: true } failed)
        {
            StandBy($"the takeover failed: {failed.Exception.GetBaseException().Message}");
            await _hot.ResignLeadAsync(held, cancellationToken);
            return false;
        }

        if (!await _hot.RenewLeadAsync(held, group.LeaseTtl, cancellationToken))
        {
            StandBy($"the leader lease (fence {held.Fence}) lapsed before it was renewed; another hub may lead now");
            return false;
        }

        return true;
    }

    private void StandBy(string why)
    {
        _lead = null;
        _active = false;
        _activeHub = null;
        _cold.StandBy();
        SyncLog.SteppedDown(_logger, why);
        Emit(SyncEventKind.Leadership, null, $"this hub stands by: {why}");
    }

    // A clean stop of the active hub gives the lead up, so a standby takes over at its next tick, not after the TTL.
    private async Task ResignAsync(CancellationToken cancellationToken)
    {
        if (_lead is { } held)
        {
            _lead = null;
            _active = false;
            _cold.StandBy();
            await _hot.ResignLeadAsync(held, cancellationToken);
        }
    }
}
