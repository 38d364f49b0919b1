namespace Thermocline.ColdStore;

/// <summary>What a person's checkout lets the hub do right now (see <see cref="GitColdStore.InspectCheckoutAsync"/>).</summary>
/// <param name="InStep">The hub's branch is checked out here and nothing is in progress: commits keep the working copy in step.</param>
/// <param name="Busy">A person's operation could revert a commit made now: cold transitions are refused until it ends.</param>
/// <param name="Why">Unless in step: what the person is doing (for Busy, what to run).</param>
public sealed record CheckoutStatus(bool InStep, bool Busy, string? Why);
