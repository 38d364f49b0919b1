namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>
/// The fast reader's scalars, recycled block by block. A block's nodes are dropped as soon as its PR is read (the
/// <see cref="PrEntry"/> keeps strings and numbers, never nodes), and a 10,000-PR list has some 400,000 scalars: made
/// new, they were 40% of everything a parse allocated, and most of its time went to collecting them. One pool per
/// reader, so per thread.
/// </summary>
internal sealed class ScalarPool
{
    private readonly List<YamlScalar> _scalars = [];
    private int _used;

    /// <summary>Hands every scalar out again: the nodes of the block read before are no longer looked at.</summary>
    public void Reset() => _used = 0;

    /// <summary>A scalar whose value is the slice of <paramref name="source"/> at <paramref name="valueStart"/>.</summary>
    public YamlScalar Slice(string source, int valueStart, int valueLength, YamlScalarStyle style, int start, int end, int line)
    {
        if (_used == _scalars.Count)
        {
            _scalars.Add(new YamlScalar(source, valueStart, valueLength));
        }

        var scalar = _scalars[_used++];
        scalar.Reuse(source, valueStart, valueLength, style, start, end, line);
        return scalar;
    }
}
