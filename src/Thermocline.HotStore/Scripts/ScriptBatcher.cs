using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Thermocline.HotStore.Scripts;

/// <summary>
/// Runs the per-PR scripts, coalescing calls that arrive while others are on the wire into one script run — group
/// commit, for Redis. A call that finds fewer than <see cref="MaxInFlight"/> on the wire and nothing waiting goes out
/// alone, as its own script, at once; calls made while all slots are busy (32 agents at work) wait for the next free
/// slot and go together as one <see cref="HotScripts.Batch"/>, which
/// runs each in turn — each as atomic as alone, since the whole batch is one script — and answers each separately
/// (one that raises an error fails alone). On a Redis Cluster the keys of different PRs live in different slots, so
/// there every call goes alone.
/// </summary>
internal sealed class ScriptBatcher(IDatabaseAsync database, Func<bool> canBatch)
{
    /// <summary>Calls or batches on the wire at once: a few, so that the connection never idles while one is answered.</summary>
    private const int MaxInFlight = 4;

    /// <summary>Calls per batch: bounds the script's run time (each call is a few µs) and the reply.</summary>
    private const int MaxBatch = 64;

    private readonly ConcurrentQueue<Call> _pending = new();
    private int _inFlight;
    private long _batches;
    private long _batchedCalls;

    /// <summary>Batches run so far (each of two calls or more).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Calls that ran in a batch so far.</summary>
    public long BatchedCalls => Interlocked.Read(ref _batchedCalls);

    /// <summary>Runs <paramref name="script"/> on <paramref name="keys"/> (one PR's) and <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The keys or values are not of the script's shape.</exception>
    public Task<RedisResult> EvaluateAsync(PrScript script, RedisKey[] keys, RedisValue[] values)
    {
        if (keys.Length != script.KeyCount || values.Length != script.ValueCount)
        {
            throw new ArgumentException(
                $"{script.Name} takes {script.KeyCount} keys and {script.ValueCount} values, not {keys.Length} and {values.Length}");
        }

        if (_pending.IsEmpty && TryTakeSlot())
        {
            return RunDirectAsync(script, keys, values); // the usual case when not busy: no queue, no extra hop
        }

        var call = new Call(script, keys, values);
        _pending.Enqueue(call);
        Dispatch();
        return call.Task;
    }

    private bool TryTakeSlot()
    {
        while (true)
        {
            var inFlight = Volatile.Read(ref _inFlight);
            if (inFlight >= MaxInFlight)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inFlight, inFlight + 1, inFlight) == inFlight)
            {
                return true;
            }
        }
    }

    private async Task<RedisResult> RunDirectAsync(PrScript script, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await script.EvaluateAsync(database, keys, values);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Dispatch();
        }
    }

    private void Dispatch()
    {
        while (!_pending.IsEmpty)
        {
            if (!TryTakeSlot())
            {
                return; // a call in flight dispatches again when it is answered
            }

            var batch = new List<Call>(Math.Min(_pending.Count, MaxBatch));
            while (batch.Count < MaxBatch && _pending.TryDequeue(out var call))
            {
                batch.Add(call);
            }

            if (batch.Count == 0)
            {
                Interlocked.Decrement(ref _inFlight);
                continue;
            }

            _ = RunAsync(batch);
        }
    }

    private async Task RunAsync(List<Call> batch)
    {
        try
        {
            if (batch.Count == 1 || !canBatch())
            {
                await Task.WhenAll(batch.Select(RunAloneAsync));
                return;
            }

            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _batchedCalls, batch.Count);
            RedisResult reply;
            try
            {
                var (keys, values) = Combine(batch);
                reply = await HotScripts.Batch.EvaluateAsync(database, keys, values);
            }
            catch (Exception e)
            {
                foreach (var call in batch)
                {
                    call.TrySetException(e);
                }

                return;
            }

            var results = (RedisResult[])reply!;
            for (var i = 0; i < batch.Count; i++)
            {
                Complete(batch[i], i < results.Length ? results[i] : null);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Dispatch();
        }
    }

    private async Task RunAloneAsync(Call call)
    {
        try
        {
            call.TrySetResult(await call.Script.EvaluateAsync(database, call.Keys, call.Values));
        }
        catch (Exception e)
        {
            call.TrySetException(e);
        }
    }

    /// <summary>KEYS: every call's keys in turn. ARGV: the plan (each call's script letter), then every call's values in turn.</summary>
    private static (RedisKey[] Keys, RedisValue[] Values) Combine(List<Call> batch)
    {
        int keyCount = 0, valueCount = 1;
        foreach (var call in batch)
        {
            keyCount += call.Keys.Length;
            valueCount += call.Values.Length;
        }

        var keys = new RedisKey[keyCount];
        var values = new RedisValue[valueCount];
        values[0] = string.Create(batch.Count, batch, static (plan, calls) =>
        {
            for (var i = 0; i < plan.Length; i++)
            {
                plan[i] = calls[i].Script.Code;
            }
        });
        int k = 0, v = 1;
        foreach (var call in batch)
        {
            call.Keys.CopyTo(keys, k);
            k += call.Keys.Length;
            call.Values.CopyTo(values, v);
            v += call.Values.Length;
        }

        return (keys, values);
    }

    private static void Complete(Call call, RedisResult? result)
    {
        // A call whose script raised an error is answered {"__error", message} by the batch (see HotScripts.Batch).
        if (result is null)
        {
            call.TrySetException(new RedisException($"the batch script gave no answer for {call.Script.Name}"));
        }
        else if (result.Resp2Type == ResultType.Array && result.Length == 2 && (string?)result[0] == HotScripts.BatchErrorMarker)
        {
            call.TrySetException(new RedisException((string?)result[1] ?? $"{call.Script.Name} failed"));
        }
        else
        {
            call.TrySetResult(result);
        }
    }

    // Completed by the batch's own continuation, which runs on the thread pool (StackExchange.Redis completes its
    // tasks there, never on its reader): each caller goes on inline up to its next call, which joins the next
    // batch — no thread-pool hop per call, which was a third of the cost of a call under load. The call is its own
    // completion source: one object per call.
    private sealed class Call(PrScript script, RedisKey[] keys, RedisValue[] values) : TaskCompletionSource<RedisResult>(TaskCreationOptions.None)
    {
        public PrScript Script { get; } = script;

        public RedisKey[] Keys { get; } = keys;

        public RedisValue[] Values { get; } = values;
    }
}
