using System.Diagnostics.CodeAnalysis;

namespace Thermocline.Domain.States;

/// <summary>The wire names of states (<c>in-progress</c>, <c>approved</c>, …) and their parsing.</summary>
public static class StateNames
{
    private static readonly string[] ColdNames = ["new", "ready", "blocked", "planned", "completed", "approved", "broken"];
    private static readonly string[] HotNames = ["investigating", "planning", "in-progress", "under-review"];

    /// <summary>Every cold state name, in declaration order.</summary>
    public static IReadOnlyList<string> AllCold => ColdNames;

    /// <summary>Every hot state name, in declaration order.</summary>
    public static IReadOnlyList<string> AllHot => HotNames;

    /// <summary>The name of a cold state.</summary>
    public static string Of(ColdState state) => ColdNames[(int)state];

    /// <summary>The name of a hot state.</summary>
    public static string Of(HotState state) => HotNames[(int)state];

    /// <summary>
    /// The one text form of a transition kind (<c>cold-to-cold</c>, <c>cold-to-hot</c>, <c>hot-to-hot</c>,
    /// <c>hot-to-cold</c>): in API answers, events and metric attributes alike.
    /// </summary>
    public static string Of(TransitionKind kind) => kind switch
    {
        TransitionKind.ColdToCold => "cold-to-cold",
        TransitionKind.ColdToHot => "cold-to-hot",
        TransitionKind.HotToHot => "hot-to-hot",
        _ => "hot-to-cold",
    };

    /// <summary>Parses a cold state name (exact, lower case).</summary>
    public static bool TryParseCold(ReadOnlySpan<char> name, out ColdState state)
    {
        for (var i = 0; i < ColdNames.Length; i++)
        {
            if (name.SequenceEqual(ColdNames[i]))
            {
                state = (ColdState)i;
                return true;
            }
        }

        state = default;
        return false;
    }

    /// <summary>Parses a hot state name (exact, lower case).</summary>
    public static bool TryParseHot(ReadOnlySpan<char> name, out HotState state)
    {
        for (var i = 0; i < HotNames.Length; i++)
        {
            if (name.SequenceEqual(HotNames[i]))
            {
                state = (HotState)i;
                return true;
            }
        }

        state = default;
        return false;
    }

    /// <summary>Parses any state name, hot or cold.</summary>
    public static bool TryParse(ReadOnlySpan<char> name, [NotNullWhen(true)] out WorkState? state)
    {
        if (TryParseCold(name, out var cold))
        {
            state = cold;
            return true;
        }

        if (TryParseHot(name, out var hot))
        {
            state = hot;
            return true;
        }

        state = null;
        return false;
    }
}
