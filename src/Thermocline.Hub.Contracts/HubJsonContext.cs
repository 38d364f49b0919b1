using System.Text.Json;
using System.Text.Json.Serialization;

namespace Thermocline.Hub.Api;

/// <summary>
/// Source-generated JSON metadata of the wire contract (camelCase, the web defaults the hub serves with). The client
/// reads and writes through it, so an agent command neither reflects over the records nor emits IL to do so.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PrView))]
[JsonSerializable(typeof(List<PrView>))]
[JsonSerializable(typeof(ClaimRequest))]
[JsonSerializable(typeof(ClaimNextRequest))]
[JsonSerializable(typeof(AddRequest))]
[JsonSerializable(typeof(AddView))]
[JsonSerializable(typeof(EditRequest))]
[JsonSerializable(typeof(EditView))]
[JsonSerializable(typeof(LeaseRequest))]
[JsonSerializable(typeof(TransitionRequest))]
[JsonSerializable(typeof(ReconcileRequest))]
[JsonSerializable(typeof(TransitionView))]
[JsonSerializable(typeof(WriteView))]
[JsonSerializable(typeof(ReconcileView))]
[JsonSerializable(typeof(List<MilestoneView>))]
[JsonSerializable(typeof(HealthView))]
[JsonSerializable(typeof(PrDetailsView))]
[JsonSerializable(typeof(ReleaseStuckRequest))]
[JsonSerializable(typeof(EventView))]
[JsonSerializable(typeof(List<ReservationView>))]
[JsonSerializable(typeof(LeaseStandingView))]
public sealed partial class HubJsonContext : JsonSerializerContext;
