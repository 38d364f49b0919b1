namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>
/// The fast reader's nodes, recycled block by block. A block's nodes are dropped as soon as its PR is read (the
/// <see cref="PrEntry"/> keeps strings and numbers, never nodes), and a 10,000-PR list has some 400,000 scalars and
/// 40,000 mappings and lists: made new, they were a third of everything a parse allocated, and most of its time went
/// to collecting them. One pool per reader, so per thread.
/// </summary>
internal sealed class NodePool
{
    private readonly List<YamlScalar> _scalars = [];
    private readonly List<YamlMapping> _mappings = [];
    private readonly List<YamlSequence> _sequences = [];
    private int _usedScalars;
    private int _usedMappings;
    private int _usedSequences;

    /// <summary>Hands every node out again: the nodes of the block read before are no longer looked at.</summary>
    public void Reset() => (_usedScalars, _usedMappings, _usedSequences) = (0, 0, 0);

    /// <summary>A scalar whose value is the slice of <paramref name="source"/> at <paramref name="valueStart"/>.</summary>
    public YamlScalar Slice(string source, int valueStart, int valueLength, YamlScalarStyle style, int start, int end, int line)
    {
        var scalar = Next(_scalars, ref _usedScalars);
        scalar.Reuse(source, valueStart, valueLength, style, start, end, line);
        return scalar;
    }

    /// <summary>An empty mapping starting at <paramref name="start"/> on <paramref name="line"/>.</summary>
    public YamlMapping Mapping(int start, int line)
    {
        var mapping = Next(_mappings, ref _usedMappings);
        mapping.Reuse(start, line);
        return mapping;
    }

    /// <summary>An empty sequence.</summary>
    public YamlSequence Sequence(int start, int end, int line)
    {
        var sequence = Next(_sequences, ref _usedSequences);
        sequence.Reuse(start, end, line);
        return sequence;
    }

    private static T Next<T>(List<T> nodes, ref int used)
        where T : YamlNode, new()
    {
        if (used == nodes.Count)
        {
            nodes.Add(new T());
        }

        return nodes[used++];
    }
}
