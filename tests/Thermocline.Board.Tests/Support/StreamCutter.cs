using System.Net;
using System.Net.Sockets;

namespace Thermocline.Board.Tests.Support;

/// <summary>
/// A TCP relay between the browser and the hub that the test can cut: <see cref="CutAsync"/> drops every connection
/// through it (the page's event stream among them) and refuses new ones, <see cref="Restore"/> listens again on the same
/// port. The hub itself keeps running and is reached directly by the agents meanwhile: only the page loses it.
/// </summary>
internal sealed class StreamCutter : IAsyncDisposable
{
    private readonly int _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _cut = new();

    private StreamCutter(int port, int target)
    {
        Port = port;
        _target = target;
    }

    /// <summary>The port the browser connects to.</summary>
    public int Port { get; }

    /// <summary>Starts relaying <c>127.0.0.1:PORT</c> to the hub's <paramref name="target"/> port.</summary>
    public static StreamCutter Start(int target)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var cutter = new StreamCutter(port, target);
        cutter.Restore();
        return cutter;
    }

    /// <summary>Listens (again) and relays every connection.</summary>
    public void Restore()
    {
        _cut = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _cut.Token);
    }

    /// <summary>Stops listening and resets every open connection.</summary>
    public async Task CutAsync()
    {
        await _cut.CancelAsync();
        _listener?.Stop();
        lock (_open)
        {
            foreach (var client in _open)
            {
                try
                {
                    client.Client.LingerState = new LingerOption(true, 0); // RST, as a dropped network does
                }
                catch (Exception e) when (e is ObjectDisposedException or SocketException or NullReferenceException)
                {
                    // Closed already by its relay.
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CutAsync();
        _cut.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            TcpClient browser;
            try
            {
                browser = await listener.AcceptTcpClientAsync(cut);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(browser, cut);
        }
    }

    private async Task RelayAsync(TcpClient browser, CancellationToken cut)
    {
        var hub = new TcpClient();
        lock (_open)
        {
            _open.Add(browser);
            _open.Add(hub);
        }

        try
        {
            await hub.ConnectAsync(IPAddress.Loopback, _target, cut);
            var a = browser.GetStream();
            var b = hub.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, cut), b.CopyToAsync(a, cut));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Cut, or one side went away: the other is closed below.
        }
        finally
        {
            browser.Dispose();
            hub.Dispose();
            lock (_open)
            {
                _open.Remove(browser);
                _open.Remove(hub);
            }
        }
    }
}
