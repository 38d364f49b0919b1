using System.Net;
using System.Net.Sockets;
using System.Text;
using Thermocline.Cli.Client;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli.Tests.Client;

/// <summary>The agent commands' HTTP/1.1 exchange: parsing responses as servers send them, and one real round trip.</summary>
public sealed class PlainHttpTests
{
    [Fact]
    public void Parse_ContentLength_TakesExactlyThatBody()
    {
        var response = PlainHttp.Parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 7\r\n\r\n{\"a\":1}"u8);

        Assert.Equal(200, response.Status);
        Assert.Equal("OK", response.Reason);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(response.Body));
    }

    [Fact]
    public void Parse_Chunked_JoinsTheChunks()
    {
        var response = PlainHttp.Parse("HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"ki\r\n9;ext=1\r\nnd\":\"x\"} \r\n0\r\n\r\n"u8);

        Assert.Equal(409, response.Status);
        Assert.Equal("{\"kind\":\"x\"} ", Encoding.UTF8.GetString(response.Body));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n")]
    public void Parse_CutShortOrNotHttp_ThrowsIOException(string raw) =>
        Assert.Throws<IOException>(() => PlainHttp.Parse(Encoding.ASCII.GetBytes(raw)));

    [Fact]
    public async Task SendAsync_RealSocket_SendsMethodPathHeadersAndBodyAndReadsTheAnswer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync();
            var stream = peer.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n{\"x\":2}", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer);
                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            await stream.WriteAsync("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
            return request.ToString();
        });

        var response = await PlainHttp.SendAsync(new Uri($"http://127.0.0.1:{port}/"), "POST", "api/prs/PR-001/claim", "s3cret", "{\"x\":2}"u8.ToArray(), CancellationToken.None);
        var sent = await serving;

        Assert.Equal((201, "ok"), (response.Status, Encoding.ASCII.GetString(response.Body)));
        Assert.StartsWith("POST /api/prs/PR-001/claim HTTP/1.1\r\n", sent, StringComparison.Ordinal);
        Assert.Contains($"\r\nHost: 127.0.0.1:{port}\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("\r\nAuthorization: Bearer s3cret\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 7\r\n", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_IPv6Loopback_ConnectsToTheBracketedAddress()
    {
        using var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();

        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync();
            var stream = peer.GetStream();
            var buffer = new byte[4096];
            var n = await stream.ReadAsync(buffer);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6"u8.ToArray());
            return Encoding.ASCII.GetString(buffer, 0, n);
        });

        var response = await PlainHttp.SendAsync(new Uri($"http://[::1]:{port}/"), "GET", "healthz", null, null, CancellationToken.None);

        Assert.Equal("v6", Encoding.ASCII.GetString(response.Body));
        Assert.Contains($"\r\nHost: [::1]:{port}\r\n", await serving, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_NobodyListening_ThrowsSocketException()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        await Assert.ThrowsAnyAsync<SocketException>(() => PlainHttp.SendAsync(new Uri($"http://127.0.0.1:{port}/"), "GET", "healthz", null, null, CancellationToken.None));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task HubClient_NobodyListening_UnavailableNamingTheAddressForBothSchemes(string scheme)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new HubClient($"{scheme}://127.0.0.1:{port}/", null);

        var e = await Assert.ThrowsAsync<ThermoclineException>(() => client.HealthAsync(CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains($"no hub answers at {scheme}://127.0.0.1:{port}/", e.Message, StringComparison.Ordinal);
    }
}
