namespace Thermocline.ColdStore.Git;

/// <summary>Exponential backoff with jitter, bounded by a total time, on an injected <see cref="TimeProvider"/>.</summary>
internal sealed class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Cap = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time;
    private readonly TimeSpan _budget;
    private readonly long _start;
    private TimeSpan _next = First;

    public Backoff(TimeProvider time, TimeSpan budget)
    {
        _time = time;
        _budget = budget;
        _start = time.GetTimestamp();
    }

    /// <summary>How many times <see cref="TryWaitAsync"/> waited.</summary>
    public int Attempts { get; private set; }

    /// <summary>Time spent since the first attempt.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    /// <summary>Waits before the next attempt; false when the budget is spent (no wait then).</summary>
    public async Task<bool> TryWaitAsync(CancellationToken cancellationToken)
    {
        var left = _budget - Elapsed;
        if (left <= TimeSpan.Zero)
        {
            return false;
        }

        // Jitter keeps two waiting processes from retrying in lock step.
        var delay = _next * (0.5 + (Random.Shared.NextDouble() / 2));
        await Task.Delay(delay < left ? delay : left, _time, cancellationToken);
        _next = _next * 2 < Cap ? _next * 2 : Cap;
        Attempts++;
        return true;
    }
}
