namespace Thermocline.HotStore.Embedded;

/// <summary>Settings of <see cref="EmbeddedGarnet"/>.</summary>
public sealed class EmbeddedGarnetOptions
{
    /// <summary>The loopback port to listen on; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Where to keep an append-only log and checkpoints so hot state survives a restart (e.g. under the repository's
    /// <c>.git/</c> directory); null (the default) keeps everything in memory.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>Garnet's hash index size (default <c>1m</c>; Garnet's own 128m default writes 128 MiB per checkpoint).</summary>
    public string IndexSize { get; set; } = "1m";
}
