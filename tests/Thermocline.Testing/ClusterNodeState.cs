using System.Globalization;

namespace Thermocline.Testing;

/// <summary>One line of <c>CLUSTER NODES</c>: a node's id, port, role, health and slots.</summary>
/// <param name="Id">The node id.</param>
/// <param name="Port">The client port.</param>
/// <param name="Flags">The flags, e.g. <c>myself,master</c>, <c>slave</c>, <c>master,fail</c>.</param>
/// <param name="MasterId">The id of the master it replicates, or <c>-</c>.</param>
/// <param name="IsConnected">Whether the bus link to it is up.</param>
/// <param name="Slots">The slot ranges it serves, inclusive.</param>
public sealed record ClusterNodeState(string Id, int Port, string Flags, string MasterId, bool IsConnected, IReadOnlyList<(int From, int To)> Slots)
{
    /// <summary>True for a master.</summary>
    public bool IsMaster => Flags.Split(',').Contains("master");

    /// <summary>True when the cluster marked it failed (or the asking node suspects so).</summary>
    public bool IsFailed => Flags.Split(',').Any(f => f is "fail" or "fail?");

    /// <summary>How many slots it serves.</summary>
    public int SlotCount => Slots.Sum(s => s.To - s.From + 1);

    /// <summary>True when it serves <paramref name="slot"/>.</summary>
    public bool Serves(int slot) => Slots.Any(s => s.From <= slot && slot <= s.To);

    /// <summary>Parses one line, e.g. <c>07c3… 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460</c>.</summary>
    public static ClusterNodeState Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 8)
        {
            throw new FormatException($"not a CLUSTER NODES line: '{line}'");
        }

        var address = f[1].Split('@')[0];
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        var slots = f.Skip(8).Where(s => !s.StartsWith('[')).Select(s =>
        {
            var dash = s.IndexOf('-', StringComparison.Ordinal);
            return dash < 0
                ? (int.Parse(s, CultureInfo.InvariantCulture), int.Parse(s, CultureInfo.InvariantCulture))
                : (int.Parse(s[..dash], CultureInfo.InvariantCulture), int.Parse(s[(dash + 1)..], CultureInfo.InvariantCulture));
        }).ToList();
        return new ClusterNodeState(f[0], port, f[2], f[3], f[7] == "connected", slots);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Port} {Flags} {string.Join(",", Slots.Select(s => $"{s.From}-{s.To}"))}";
}
