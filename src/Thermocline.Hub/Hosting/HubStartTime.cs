namespace Thermocline.Hub.Hosting;

/// <summary>When the hub started, for <c>/healthz</c>.</summary>
/// <param name="At">The start time.</param>
internal sealed record HubStartTime(DateTimeOffset At);
