using StackExchange.Redis;
using Thermocline.Domain.Errors;
using Thermocline.HotStore.Logging;
using Thermocline.HotStore.Queueing;

namespace Thermocline.HotStore;

public sealed partial class RedisHotStore
{
    private readonly SemaphoreSlim _replayGate = new(1, 1);


    /// <summary>
    /// Applies <paramref name="update"/> now, or queues it when Redis is unreachable or older updates still wait (so
    /// updates land in the order they were made). Refusals (stale lease, invalid transition) throw as usual.
    /// </summary>
    private async Task<HotWriteResult> ApplyOrQueueAsync(PendingHotUpdate update, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_queue.Count == 0 && _connection.IsConnected)
        {
            try
            {
                // Not wrapped in WaitAsync(cancellationToken): every Redis call ends within OperationTimeout, and a
                // per-call cancellation registration costs more than the rest of a hot update.
                update.Accept(await update.SendAsync());
                return HotWriteResult.Applied;
            }
            catch (Exception e) when (IsUnavailable(e))
            {
                // Fall through and queue. Should the write have landed before the failure, replaying it is harmless:
                // every queueable update is idempotent (same lease, same target, same value).
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisException)
            {
                throw ThermoclineException.Failure($"Redis at {_endpoint} failed: {update.Description}: {e.Message}", e);
            }
        }

        if (!_queue.TryEnqueue(update))
        {
            HotStoreLog.QueueFull(_logger, _queue.Capacity, update.Description);
            throw ThermoclineException.Unavailable(
                $"Redis at {_endpoint} is unavailable and {_queue.Capacity} hot updates already wait for it; {update.Description} was not recorded.");
        }

        HotStoreLog.Queued(_logger, update.Description, _queue.Count);
        KickReplay();
        return HotWriteResult.Queued;
    }

    private void KickReplay()
    {
        if (_connection.IsConnected && _queue.Count > 0 && !_shutdown.IsCancellationRequested)
        {
            _ = Task.Run(() => ReplayAsync(_shutdown.Token));
        }
    }

    private async Task ReplayLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ReplayInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            WatchSlots();

            await ReplayAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Replays queued updates in order until the queue is empty or Redis fails again. One replayer at a time.
    /// <para>
    /// Up to <see cref="ReplayWindow"/> updates are sent at once (pipelined) and their answers read in order: replaying
    /// one at a time, a queue that agents keep adding to (everything is queued while anything is, to keep the order)
    /// drained no faster than it filled under load, and a store stayed degraded long after Redis was back (measured:
    /// 8 agents after a cluster failover, ~90 updates queued for as long as they ran). Only the updates up to the first
    /// one that met an outage leave the queue; that one and every one after it are sent again, in order, on the next
    /// pass — each is idempotent, so one that had landed lands again, after the ones before it, and the last write of
    /// each key is still the last one made.
    /// </para>
    /// </summary>
    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        if (_queue.Count == 0 || !await _replayGate.WaitAsync(0, cancellationToken))
        {
            return;
        }

        var applied = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested && _queue.PeekMany(ReplayWindow) is { Count: > 0 } window)
            {
                var replies = new Task<RedisResult>[window.Count];
                for (var i = 0; i < window.Count; i++)
                {
                    replies[i] = Send(window[i]);
                }

                for (var i = 0; i < window.Count; i++)
                {
                    var update = window[i];
                    try
                    {
                        update.Accept(await replies[i].WaitAsync(cancellationToken));
                        applied++;
                    }
                    catch (ThermoclineException e)
                    {
                        // Stale by now (lease expired while Redis was away, state moved): git and the next claim decide.
                        HotStoreLog.ReplayRefused(_logger, update.Description, e.Message);
                    }
                    catch (Exception e) when (IsUnavailable(e))
                    {
                        // The rest of the window is sent again next time; its answers are not wanted.
                        _ = Task.WhenAll(replies[(i + 1)..]).ContinueWith(static t => t.Exception, TaskScheduler.Default);
                        return;
                    }
                    catch (Exception e) when (e is RedisException)
                    {
                        HotStoreLog.ReplayRefused(_logger, update.Description, e.Message);
                    }

                    _queue.Remove(update);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            // One failed pass must not end the loop; the next tick retries.
            HotStoreLog.ReplayFailed(_logger, e);
        }
        finally
        {
            if (applied > 0)
            {
                HotStoreLog.Replayed(_logger, applied, _queue.Count);
            }

            _replayGate.Release();
        }
    }

    /// <summary>Queued updates sent at once in one replay pass.</summary>
    private const int ReplayWindow = 64;

    private static Task<RedisResult> Send(PendingHotUpdate update)
    {
        try
        {
            return update.SendAsync();
        }
        catch (Exception e) when (e is RedisException)
        {
            return Task.FromException<RedisResult>(e);
        }
    }
}
