namespace Thermocline.Domain.States;

/// <summary>
/// Any state a PR can be in, hot or cold. A PR's effective state is its hot state when it has one,
/// else its cold state.
/// </summary>
public readonly record struct WorkState
{
    private readonly int _value;

    private WorkState(bool isHot, int value)
    {
        IsHot = isHot;
        _value = value;
    }

    /// <summary>True for a hot (Redis-only) state.</summary>
    public bool IsHot { get; }

    /// <summary>True for a cold (git) state.</summary>
    public bool IsCold => !IsHot;

    /// <summary>The cold state; throws when <see cref="IsHot"/>.</summary>
    public ColdState Cold => IsHot ? throw new InvalidOperationException($"{this} is a hot state.") : (ColdState)_value;

    /// <summary>The hot state; throws when <see cref="IsCold"/>.</summary>
    public HotState Hot => IsHot ? (HotState)_value : throw new InvalidOperationException($"{this} is a cold state.");

    /// <summary>Wraps a cold state.</summary>
    public static WorkState Of(ColdState state) => new(false, (int)state);

    /// <summary>Wraps a hot state.</summary>
    public static WorkState Of(HotState state) => new(true, (int)state);

    /// <summary>The effective state: the hot state when there is one, else the cold state.</summary>
    public static WorkState Effective(ColdState cold, HotState? hot) => hot is { } h ? Of(h) : Of(cold);

    /// <summary>Implicit conversion from a cold state.</summary>
    public static implicit operator WorkState(ColdState state) => Of(state);

    /// <summary>Implicit conversion from a hot state.</summary>
    public static implicit operator WorkState(HotState state) => Of(state);

    /// <summary>The state's name as written in files, commits and the API, e.g. <c>in-progress</c>.</summary>
    public override string ToString() => IsHot ? StateNames.Of(Hot) : StateNames.Of(Cold);
}
