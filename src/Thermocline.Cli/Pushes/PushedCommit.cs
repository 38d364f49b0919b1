namespace Thermocline.Cli.Pushes;

/// <summary>A commit being pushed (or in the range CI checks), with what its lease trailers say, as git parsed them.</summary>
/// <param name="Sha">Its full id.</param>
/// <param name="CommittedAt">Its committer time (whole seconds, as git keeps it).</param>
/// <param name="PrTrailers">The values of its <c>Thermocline-PR</c> trailers.</param>
/// <param name="LeaseTrailers">The values of its <c>Thermocline-Lease</c> trailers.</param>
internal sealed record PushedCommit(string Sha, DateTimeOffset CommittedAt, IReadOnlyList<string> PrTrailers, IReadOnlyList<string> LeaseTrailers);
