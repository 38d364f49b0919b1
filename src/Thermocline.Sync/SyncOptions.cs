using Thermocline.Domain.Errors;
using Thermocline.Domain.Identity;

namespace Thermocline.Sync;

/// <summary>Settings of <see cref="StateSync"/> and its cycles. <see cref="Validate"/> names the first bad property.</summary>
public sealed class SyncOptions
{
    /// <summary>How often the "Active work" display is written into the task list (default 30 s; 1 s to 1 h).</summary>
    public TimeSpan DisplayInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often expired hot states are swept from the hot index (default 15 s; 100 ms to 1 h).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often Redis is reconciled with git (default 60 s; 1 s to 1 day).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the remote's branch is fetched when the hub has one (default 10 s; 1 s to 1 h).</summary>
    public TimeSpan FetchInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest lease a claim may ask for (<c>claim --ttl</c>; default 1 hour; 1 s to 1 day).</summary>
    public TimeSpan MaxLeaseTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The agent name the hub's own commits (dependency changes) carry (default <c>thermocline-hub</c>).</summary>
    public string HubAgent { get; set; } = "thermocline-hub";

    /// <summary>
    /// Set for a hub of a group (several hubs on one Redis and one remote, one active, the others standing by); null
    /// (default) for a hub on its own, which is always active.
    /// </summary>
    public HubGroupOptions? Group { get; set; }

    /// <summary>Throws <see cref="ThermoclineException"/> (usage) naming the first invalid property.</summary>
    public void Validate()
    {
        Check(nameof(DisplayInterval), DisplayInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Check(nameof(SweepInterval), SweepInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        Check(nameof(ReconcileInterval), ReconcileInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Check(nameof(FetchInterval), FetchInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Check(nameof(MaxLeaseTtl), MaxLeaseTtl, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (Group is { } group)
        {
            Check(nameof(group.LeaseTtl), group.LeaseTtl, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
            if (group.HubId.Length is 0 or > 64 || group.HubId.Any(c => c is <= ' ' or > '~') || group.Address.Any(c => c is <= ' ' or > '~'))
            {
                throw ThermoclineException.Usage($"the hub's id and advertised address must be printable ASCII without spaces ('{group.HubId}', '{group.Address}').");
            }
        }

        if (!AgentId.IsValid(HubAgent))
        {
            throw ThermoclineException.Usage($"{nameof(HubAgent)} '{HubAgent}' is not a valid agent name; expected {AgentId.FormatDescription}.");
        }
    }

    private static void Check(string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            throw ThermoclineException.Usage($"{name} is {value}; it must be between {min} and {max}.");
        }
    }
}

/// <summary>What a hub of a group needs: who it is, where clients reach it, and how long its lead lasts unrenewed.</summary>
public sealed class HubGroupOptions
{
    /// <summary>This hub's id in the leader lease: a new one per process by default.</summary>
    public string HubId { get; init; } = Guid.NewGuid().ToString("N")[..16];

    /// <summary>The URL standbys send clients to while this hub is active (<c>--advertise</c>).</summary>
    public required string Address { get; init; }

    /// <summary>
    /// How long the leader lease lasts without renewal (default 5 s; 1 s–5 min): a standby takes over this long after the
    /// active hub died. Renewed every fifth of it.
    /// </summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(5);
}

