using Thermocline.Domain.States;

namespace Thermocline.Domain.Commits;

/// <summary>One cold → cold change of a <see cref="DependencyUpdate"/>.</summary>
/// <param name="PrId">The PR.</param>
/// <param name="From">The cold state git must show for it at HEAD.</param>
/// <param name="To">Its new cold state.</param>
public sealed record ColdChange(string PrId, ColdState From, ColdState To);
