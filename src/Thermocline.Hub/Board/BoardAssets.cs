using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Thermocline.Hub.Board;

/// <summary>
/// The board's files (<c>Board/wwwroot</c>), embedded in the hub's assembly: every asset ships with the hub and none is
/// fetched from anywhere else. Each is read once, with a strong ETag (a hash of its bytes) and a gzip copy made the first
/// time a client accepts it.
/// </summary>
internal sealed class BoardAssets
{
    private const string Prefix = "board/";

    private readonly FrozenDictionary<string, Asset> _assets;

    private BoardAssets(FrozenDictionary<string, Asset> assets) => _assets = assets;

    /// <summary>One file: its bytes, content type and ETag; its gzip copy once made.</summary>
    internal sealed class Asset(byte[] bytes, string contentType)
    {
        private byte[]? _gzip;

        public byte[] Bytes { get; } = bytes;

        public string ContentType { get; } = contentType;

        public string ETag { get; } = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..20]}\"";

        public byte[] Gzip => _gzip ??= Compress(Bytes);

        private static byte[] Compress(byte[] bytes)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(bytes);
            }

            return output.ToArray();
        }
    }

    /// <summary>The files embedded in the hub's assembly.</summary>
    public static BoardAssets Load()
    {
        var assembly = typeof(BoardAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            assets[name[Prefix.Length..]] = new Asset(copy.ToArray(), ContentTypeOf(name));
        }

        return new BoardAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The file named <paramref name="name"/> (e.g. <c>board.js</c>), or null.</summary>
    public Asset? Find(string name) => _assets.GetValueOrDefault(name);

    /// <summary>The names of every file, for the page-weight figure and the tests.</summary>
    public IEnumerable<string> Names => _assets.Keys;

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
