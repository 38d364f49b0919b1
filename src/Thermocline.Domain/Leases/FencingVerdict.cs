namespace Thermocline.Domain.Leases;

/// <summary>Whether a commit made under a lease may be pushed, and why, in words for the person or agent pushing it.</summary>
/// <param name="Passes">True when the lease was the PR's when the commit was made.</param>
/// <param name="Reason">Why, e.g. <c>superseded by fence 18 (agent-b)</c>.</param>
public sealed record FencingVerdict(bool Passes, string Reason);
