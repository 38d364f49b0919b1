using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Thermocline.Cli.Client;

/// <summary>
/// An https:// hub (behind a TLS proxy): HttpClient, in a type of its own so that a command to an http:// hub never loads
/// System.Net.Http. Failures come out as <see cref="PlainHttp"/>'s do: <see cref="SocketException"/> when nobody answers,
/// <see cref="IOException"/> when the exchange breaks.
/// </summary>
internal sealed class HttpsTransport(Uri baseAddress, string? bearer) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = PlainHttp.ConnectTimeout }) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };

    public async Task<PlainHttp.Response> SendAsync(string method, string path, byte[]? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (json is not null)
        {
            request.Content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            return new PlainHttp.Response((int)response.StatusCode, response.ReasonPhrase ?? "", await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }
        catch (HttpRequestException ex) when (NothingSent(ex))
        {
            throw new SocketException((int)SocketError.ConnectionRefused, ex.Message);
        }
        catch (OperationCanceledException ex) when (ex.InnerException is TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // The connect timeout: nobody accepted the connection.
            throw new SocketException((int)SocketError.TimedOut, ex.Message);
        }
        catch (HttpRequestException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }

    /// <summary>Whether the request failed before any of it reached the hub: no connection, no name, no TLS session.</summary>
    public static bool NothingSent(HttpRequestException ex) =>
        ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;

    public void Dispose() => _http.Dispose();
}
