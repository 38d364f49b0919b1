namespace Thermocline.Domain.Leases;

/// <summary>Where a lease stands now, as the hub knows it from Redis and git.</summary>
public enum LeaseStandingKind
{
    /// <summary>The hub answered a standing this version does not know (a newer hub); judged as not current.</summary>
    Unknown,

    /// <summary>The lease is held now (<c>current</c>).</summary>
    Current,

    /// <summary>The lease ended and no newer fence was handed out for the PR (<c>ended</c>).</summary>
    Ended,

    /// <summary>A newer fence was handed out for the PR (<c>superseded</c>).</summary>
    Superseded,

    /// <summary>No lease of the PR ever had this fence (<c>never-issued</c>).</summary>
    NeverIssued,
}
