using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Thermocline.Sync.Events;

namespace Thermocline.Hub.Api;

/// <summary>
/// <c>GET /api/events</c>: the hub's <see cref="EventFeed"/> as server-sent events (<c>text/event-stream</c>). Each
/// event is <c>id: RUN-N</c>, <c>event: KIND</c>, <c>data: {EventView}</c>. A reader that reconnects with
/// <c>Last-Event-ID</c> (header, or <c>?lastEventId=</c>) gets what it missed first; when those events are gone (too
/// far behind, or the hub restarted: another run) it gets a <c>reset</c> event and should re-read the state. A reader
/// that falls behind by a whole queue gets <c>overflow</c> and the stream ends. A comment line every
/// <see cref="KeepAlive"/> keeps proxies from closing an idle stream; the stream ends when the hub stops.
/// </summary>
internal static class EventStreamEndpoint
{
    /// <summary>How often an idle stream gets a comment line.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task ServeAsync(HttpContext http, EventFeed events, IHostApplicationLifetime lifetime, TimeProvider time, CancellationToken requestAborted)
    {
        var lastId = http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? http.Request.Query["lastEventId"].FirstOrDefault();
        var after = lastId is null ? (long?)null : events.ParseId(lastId);
        using var reader = events.Subscribe(lastId is null ? null : after ?? -1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;

        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var body = http.Response.Body;
        try
        {
            await http.Response.StartAsync(ct);
            if (reader.Missed)
            {
                var why = after is null
                    ? $"Last-Event-ID {lastId} is not from this hub run (it restarted): re-read the state; ids now start with {events.Run}-."
                    : $"events after {lastId} are no longer kept: re-read the state.";
                await WriteAsync(body, Control(events, time, "reset", why), ct);
            }

            foreach (var e in reader.Replay)
            {
                await WriteAsync(body, e.ToView(events.IdOf(e)), ct);
            }

            await body.FlushAsync(ct);
            await PumpAsync(body, events, reader, time, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The reader went away or the hub is stopping: the stream simply ends.
        }
    }

    private static async Task PumpAsync(Stream body, EventFeed events, EventFeed.Subscription reader, TimeProvider time, CancellationToken ct)
    {
        while (true)
        {
            bool more;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                idle.CancelAfter(KeepAlive);
                try
                {
                    more = await reader.Queue.WaitToReadAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await body.WriteAsync(": keep-alive\n\n"u8.ToArray(), ct);
                    await body.FlushAsync(ct);
                    continue;
                }
            }

            if (!more)
            {
                await WriteAsync(body, Control(events, time, "overflow", $"this reader fell {EventFeed.ReaderQueue} events behind and was cut off: reconnect with Last-Event-ID."), ct);
                await body.FlushAsync(ct);
                return;
            }

            while (reader.Queue.TryRead(out var e))
            {
                await WriteAsync(body, e.ToView(events.IdOf(e)), ct);
            }

            await body.FlushAsync(ct);
        }
    }

    // A stream message of the endpoint's own (reset, overflow): the id of the newest event, so a reconnect resumes there.
    private static EventView Control(EventFeed events, TimeProvider time, string kind, string message) =>
        new($"{events.Run}-{events.Last}", kind, time.GetUtcNow(), null, null, null, null, null, null, message);

    private static ValueTask WriteAsync(Stream body, EventView view, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(view, HubJsonContext.Default.EventView);
        return body.WriteAsync(Encoding.UTF8.GetBytes($"id: {view.Id}\nevent: {view.Kind}\ndata: {json}\n\n"), ct);
    }
}
