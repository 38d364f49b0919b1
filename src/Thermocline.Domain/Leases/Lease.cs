using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Thermocline.Domain.Leases;

/// <summary>
/// What a claim hands the agent: an opaque <see cref="Id"/> and a <see cref="Fence"/>, the fencing number, which only
/// grows for a PR (also across a Redis wipe, when seeded from git). Every later operation on the PR presents it; a
/// stale or foreign lease is refused and changes nothing. Its text form (<see cref="ToString"/>) is <c>FENCE:ID</c>.
/// </summary>
/// <param name="Fence">The fencing number, at least 1; it goes into the milestone commit.</param>
/// <param name="Id">32 lower-case hex digits, unique per claim.</param>
public sealed record Lease(long Fence, string Id)
{
    // The text form, built once: every heartbeat and transition sends it. Reset when `with` changes a part.
    private string? _text;

    /// <summary>The fencing number, at least 1; it goes into the milestone commit.</summary>
    public long Fence
    {
        get;
        init
        {
            field = value;
            _text = null;
        }
    } = Fence;

    /// <summary>32 lower-case hex digits, unique per claim.</summary>
    public string Id
    {
        get;
        init
        {
            field = value;
            _text = null;
        }
    } = Id;

    /// <summary>Parses the text form <c>FENCE:ID</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Lease? lease)
    {
        lease = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0 || text.Length > 64)
        {
            return false;
        }

        if (!long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var fence) || fence < 1)
        {
            return false;
        }

        var id = text[(colon + 1)..];
        if (!IsWellFormedId(id))
        {
            return false;
        }

        lease = new Lease(fence, id);
        return true;
    }

    /// <summary>True when this lease is well formed (what <see cref="TryParse"/> accepts), so it can safely reach a Redis value.</summary>
    public bool IsWellFormed => Fence >= 1 && IsWellFormedId(Id);

    private static bool IsWellFormedId(string? id) => id is { Length: > 0 and <= 40 } && !id.AsSpan().ContainsAnyExcept(LowerHex);

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The text form, <c>FENCE:ID</c>, as stored in Redis and shown to agents.</summary>
    public override string ToString() => _text ??= string.Create(CultureInfo.InvariantCulture, $"{Fence}:{Id}");

    /// <summary>Equal when fence and id are (the cached text form is not part of a lease's identity).</summary>
    public bool Equals(Lease? other) => other is not null && Fence == other.Fence && string.Equals(Id, other.Id, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Fence, Id);
}
