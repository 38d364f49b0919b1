namespace Thermocline.Sync.Events;

/// <summary>One thing the state sync did or saw.</summary>
/// <param name="Kind">What kind of event.</param>
/// <param name="Timestamp">When.</param>
/// <param name="PrId">The PR concerned, when there is one.</param>
/// <param name="Message">A sentence for people.</param>
public sealed record SyncEvent(SyncEventKind Kind, DateTimeOffset Timestamp, string? PrId, string Message);
