using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Thermocline.Cli.Client;

/// <summary>
/// One HTTP/1.1 request over a fresh TCP connection (<c>Connection: close</c>), for <c>http://</c> hubs. An agent command
/// is one short process that makes one or two requests; HttpClient's first request costs it more than the whole
/// command's work (measured: a bare HttpClient GET is ~3.3x a hello-world process, a socket request ~1.7x). The
/// response is read to the end: a status line, headers, a body sized by <c>Content-Length</c>, chunked, or closed.
/// </summary>
internal static class PlainHttp
{
    /// <summary>The largest response read (the hub's biggest answers, a 30 MB list's status, stay well below).</summary>
    private const int MaxResponseBytes = 256 * 1024 * 1024;

    /// <summary>How long a connection may take to open; a hub that does not accept one by then is taken as not there.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A response: status code, reason phrase and body.</summary>
    public sealed record Response(int Status, string Reason, byte[] Body);

    /// <summary>Sends one request; throws <see cref="SocketException"/> when nobody listens, <see cref="IOException"/> when the connection breaks.</summary>
    public static async Task<Response> SendAsync(Uri baseAddress, string method, string pathAndQuery, string? bearer, byte[]? json, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connecting.CancelAfter(ConnectTimeout);
            try
            {
                await client.ConnectAsync(baseAddress.Host, baseAddress.Port, connecting.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A machine that does not answer at all: as good as refused (nothing was sent).
                throw new SocketException((int)SocketError.TimedOut);
            }
        }

        var stream = client.GetStream();
        var head = new StringBuilder(256)
            .Append(CultureInfo.InvariantCulture, $"{method} {baseAddress.AbsolutePath.TrimEnd('/')}/{pathAndQuery} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {baseAddress.Authority}\r\n")
            .Append("Connection: close\r\nAccept: application/json\r\n");
        if (bearer is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {bearer}\r\n");
        }

        if (json is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: application/json; charset=utf-8\r\nContent-Length: {json.Length}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), cancellationToken);
        if (json is not null)
        {
            await stream.WriteAsync(json, cancellationToken);
        }

        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            received.Write(buffer, 0, read);
            if (received.Length > MaxResponseBytes)
            {
                throw new IOException($"the response is larger than {MaxResponseBytes / 1048576} MiB");
            }
        }

        return Parse(received.GetBuffer().AsSpan(0, (int)received.Length));
    }

    /// <summary>Parses a whole HTTP/1.1 response; throws <see cref="IOException"/> when it is cut short or malformed.</summary>
    internal static Response Parse(ReadOnlySpan<byte> raw)
    {
        var end = raw.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new IOException("the response ended before its headers did");
        }

        var lines = Encoding.ASCII.GetString(raw[..end]).Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            throw new IOException($"not an HTTP response: '{lines[0]}'");
        }

        long? length = null;
        var chunked = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new IOException($"a bad Content-Length: '{value}'");
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
        }

        var body = raw[(end + 4)..];
        if (chunked)
        {
            return new Response(code, status.Length > 2 ? status[2] : "", Dechunk(body));
        }

        if (length is { } expected && body.Length < expected)
        {
            throw new IOException($"the response ended after {body.Length} of {expected} bytes");
        }

        return new Response(code, status.Length > 2 ? status[2] : "", (length is { } l ? body[..(int)l] : body).ToArray());
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream();
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                throw new IOException("the response ended inside a chunk header");
            }

            var header = Encoding.ASCII.GetString(body[..lineEnd]);
            var semicolon = header.IndexOf(';', StringComparison.Ordinal);
            if (!int.TryParse(semicolon < 0 ? header : header[..semicolon], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new IOException($"a bad chunk size: '{header}'");
            }

            body = body[(lineEnd + 2)..];
            if (size == 0)
            {
                return output.ToArray();
            }

            if (body.Length < size + 2)
            {
                throw new IOException("the response ended inside a chunk");
            }

            output.Write(body[..size]);
            body = body[(size + 2)..];
        }
    }
}
